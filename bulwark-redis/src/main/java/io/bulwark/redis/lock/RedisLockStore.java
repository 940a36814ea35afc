package io.bulwark.redis.lock;

import io.bulwark.cluster.LockGrant;
import io.bulwark.cluster.store.LockStore;
import io.bulwark.redis.RedisConnections;
import io.bulwark.redis.lock.internal.HolderValue;
import io.bulwark.redis.lock.internal.LockScript;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Named locks with fencing tokens in Redis, shared by every process that points at the same
 * server and namespace.
 *
 * <pre>{@code
 * RedisConnections redis = RedisConnections.builder().uri("redis://127.0.0.1:6379")
 *         .commandTimeout(Duration.ofSeconds(1)).build();
 * LockStore store = RedisLockStore.builder(redis).namespace("billing:lock:").build();
 * Locks locks = Locks.of(store, nodeId);
 * locks.withLock("invoices/send", Duration.ofSeconds(30), Duration.ofSeconds(5), lock -> invoices.sendDue(lock.token()));
 * }</pre>
 *
 * <h2>How it works</h2>
 * Each operation is one Lua script (EVALSHA), so it is atomic on the server, and each reads the
 * server's {@code TIME}: the store's clock decides, never a node's. (Only a test may replace
 * that clock, through {@link Builder#clock}, to move time by hand.)
 * <ul>
 *   <li>Lock {@code name} is the key {@code <namespace>held:<name>}, holding
 *       {@code token:acquiredAt:until:owner} (microseconds of server time) with a {@code PX}
 *       expiry. A holder counts only while {@code until} is after the server's now.</li>
 *   <li>Acquire: if no holder is live, {@code INCR <namespace>token:<name>} and {@code SET} the
 *       holder, in one script. The counter key never expires, so tokens keep growing across
 *       releases and expiries (one small key per lock name ever used).</li>
 *   <li>Renew and release compare the token first (compare-and-extend, compare-and-delete); a
 *       stale token changes nothing.</li>
 *   <li>{@link #held()} is a {@code SCAN} of {@code <namespace>held:*} then one read script per
 *       batch of keys: O(keys in the database), meant for operators, not hot paths.</li>
 * </ul>
 *
 * <h2>Caveats: what Redis does not promise</h2>
 * <ul>
 *   <li><b>Failover can lose a lock.</b> Replication is asynchronous: a lock granted on a
 *       primary that fails before the write reaches its replica is gone on the promoted replica,
 *       and a second holder can be granted. Worse, if the token counter was also lost, the token
 *       handed out next can repeat one already given. Use a single server (or accept the risk),
 *       or a database store when a lock must survive failover.</li>
 *   <li><b>Redis enforces no fencing.</b> The token is only a number handed out; it protects
 *       nothing unless the resource the lock guards checks it and refuses a write whose token is
 *       smaller than the greatest it has seen ({@code UPDATE ... WHERE fence < :token}). A holder
 *       that paused (GC, a stopped VM) past its ttl may still write after another took the lock.</li>
 *   <li><b>The Redis host's clock.</b> {@code TIME} and key expiry follow the server's wall clock:
 *       a step of that clock (an NTP correction, a VM restored from a snapshot) shortens or
 *       lengthens every live lock by the size of the step. Keep the server's clock slewed, not
 *       stepped.</li>
 *   <li><b>One server.</b> Keys are not hash-tagged and {@link #held()} scans one server: this
 *       store is for a standalone Redis (or a primary with replicas), not Redis Cluster.</li>
 * </ul>
 * A command that fails (Redis away, a timeout) throws Lettuce's {@code RedisException}; after a
 * timeout the lock's state is unknown (an acquire may have been applied: it lapses after its ttl).
 * This store keeps no state of its own and never closes the {@link RedisConnections}, which
 * belong to the caller.
 */
public final class RedisLockStore implements LockStore {

    /** The key prefix used unless another is given. */
    public static final String DEFAULT_NAMESPACE = "bulwark:lock:";

    private static final int READ_BATCH = 100;
    private static final long MAX_TTL_MICROS = Duration.ofDays(365).toNanos() / 1000;

    private final RedisConnections redis;
    private final String namespace;
    private final String heldPrefix;
    private final String tokenPrefix;
    /** Replaces the server's TIME when set (tests only); null in production. */
    private final InstantSource clock;

    private RedisLockStore(RedisConnections redis, String namespace, InstantSource clock) {
        this.redis = redis;
        this.namespace = namespace;
        this.clock = clock;
        this.heldPrefix = namespace + "held:";
        this.tokenPrefix = namespace + "token:";
    }

    /** A store on {@code redis} under the default namespace {@value #DEFAULT_NAMESPACE}. */
    public static RedisLockStore of(RedisConnections redis) {
        return builder(redis).build();
    }

    /** A builder, to choose the namespace. */
    public static Builder builder(RedisConnections redis) {
        return new Builder(redis);
    }

    /** The key prefix of this store's keys. */
    public String namespace() {
        return namespace;
    }

    @Override
    public Optional<LockGrant> tryAcquire(String name, String owner, Duration ttl) {
        requireName(name);
        Objects.requireNonNull(owner, "owner");
        String value = LockScript.ACQUIRE.run(commands(), new String[] {heldPrefix + name, tokenPrefix + name},
                now(), owner, Long.toString(micros(ttl)));
        return Optional.ofNullable(value).map(v -> HolderValue.parse(name, heldPrefix + name, v));
    }

    @Override
    public Optional<LockGrant> renew(String name, long token, Duration ttl) {
        requireName(name);
        String value = LockScript.RENEW.run(commands(), new String[] {heldPrefix + name},
                now(), Long.toString(token), Long.toString(micros(ttl)));
        return Optional.ofNullable(value).map(v -> HolderValue.parse(name, heldPrefix + name, v));
    }

    @Override
    public boolean release(String name, long token) {
        requireName(name);
        Long released = LockScript.RELEASE.run(commands(), new String[] {heldPrefix + name}, now(),
                Long.toString(token));
        return released != null && released == 1L;
    }

    @Override
    public Optional<LockGrant> holder(String name) {
        requireName(name);
        return read(List.of(heldPrefix + name)).values().stream().findFirst();
    }

    @Override
    public List<LockGrant> held() {
        RedisCommands<String, String> commands = commands();
        ScanArgs match = ScanArgs.Builder.matches(glob(heldPrefix) + "*").limit(500);
        TreeSet<String> keys = new TreeSet<>(); // SCAN may return a key twice
        KeyScanCursor<String> cursor = commands.scan(ScanCursor.INITIAL, match);
        keys.addAll(cursor.getKeys());
        while (!cursor.isFinished()) {
            cursor = commands.scan(cursor, match);
            keys.addAll(cursor.getKeys());
        }
        List<String> all = new ArrayList<>(keys);
        TreeMap<String, LockGrant> held = new TreeMap<>();
        for (int from = 0; from < all.size(); from += READ_BATCH) {
            held.putAll(read(all.subList(from, Math.min(all.size(), from + READ_BATCH))));
        }
        return List.copyOf(held.values());
    }

    /** Does nothing: the connections belong to the caller. */
    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return "RedisLockStore[" + redis.displayUri() + ", namespace=" + namespace
                + (clock == null ? "" : ", clock=" + clock) + "]";
    }

    /**
     * The scripts' first argument: empty, so the script reads the server's {@code TIME}, or the
     * replacing clock's time in microseconds.
     */
    private String now() {
        if (clock == null) {
            return "";
        }
        Instant t = clock.instant();
        return Long.toString(Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000));
    }

    /** The live holders among {@code keys}, by lock name. */
    private TreeMap<String, LockGrant> read(List<String> keys) {
        List<Object> reply = LockScript.READ.run(commands(), keys.toArray(String[]::new), now());
        TreeMap<String, LockGrant> out = new TreeMap<>();
        for (int i = 0; i < keys.size(); i++) {
            Object value = reply.get(i + 1);
            if (value != null) {
                String key = keys.get(i);
                String name = key.substring(heldPrefix.length());
                out.put(name, HolderValue.parse(name, key, value.toString()));
            }
        }
        return out;
    }

    private RedisCommands<String, String> commands() {
        return redis.connection().sync();
    }

    private static void requireName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("name must not be empty but was " + (name == null ? "null" : "''"));
        }
    }

    private static long micros(Duration ttl) {
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative() || ttl.isZero() || ttl.getSeconds() > MAX_TTL_MICROS / 1_000_000) {
            throw new IllegalArgumentException("ttl must be > 0 and at most 365d but was " + ttl);
        }
        return ttl.getSeconds() * 1_000_000L + (ttl.getNano() + 999) / 1000;
    }

    /** {@code prefix} with SCAN's glob characters escaped, so it matches only itself. */
    static String glob(String prefix) {
        StringBuilder out = new StringBuilder(prefix.length() + 8);
        for (char c : prefix.toCharArray()) {
            if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }

    /** Builds a {@link RedisLockStore}; each setter checks its value at once. */
    public static final class Builder {
        private final RedisConnections redis;
        private String namespace = DEFAULT_NAMESPACE;
        private InstantSource clock;

        private Builder(RedisConnections redis) {
            this.redis = Objects.requireNonNull(redis, "redis");
        }

        /**
         * The prefix of every key this store writes (default {@value #DEFAULT_NAMESPACE}): stores
         * with different namespaces on one Redis never see each other's locks.
         *
         * @throws IllegalArgumentException unless 1 to 100 characters without spaces or control characters
         */
        public Builder namespace(String value) {
            if (value == null || value.isEmpty() || value.length() > 100
                    || value.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
                throw new IllegalArgumentException("namespace must be 1 to 100 characters without spaces or control"
                        + " characters, e.g. " + DEFAULT_NAMESPACE + ", but was "
                        + (value == null ? "null" : "'" + value + "'"));
            }
            this.namespace = value;
            return this;
        }

        /**
         * Replaces the Redis server's {@code TIME} with {@code clock} in every script, for tests that
         * move time by hand (the lock-store contract), as {@code DatabaseOptions.clock} replaces a
         * database's clock. Never set it in production: the fleet must share one clock, the
         * server's. Key expiry ({@code PX}) still runs on the server's own clock: the scripts judge
         * every holder by {@code clock}, but a key whose ttl has passed in real time is gone, so
         * a test should finish well within its locks' ttls of real time.
         */
        public Builder clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public RedisLockStore build() {
            return new RedisLockStore(redis, namespace, clock);
        }
    }
}
