package io.bulwark.cache.internal;

import io.bulwark.cache.CacheCodec;
import io.lettuce.core.KeyValue;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The L2 of one cache: entries in Redis, read and written through {@link Failover}, so that no
 * Redis error reaches a caller. See {@link RedisKeys} for the layout and the Lua scripts for the
 * atomic steps.
 *
 * <p>Design notes. Every read also returns the cache's change counter, and a fill (a value
 * loaded after a miss) is written only if the counter is unchanged: a put or an invalidation that
 * lands while the value was being loaded wins, instead of being overwritten by a value read
 * before it. The fills of one getAll go in one script call ({@link #fillAll}) that checks the
 * counter once for all of them: one round trip instead of one per key. Puts and invalidations count a change and publish on the cache's channel in the same
 * script, so Redis and the broadcast never disagree. While Redis does not answer, reads are
 * misses, fills are dropped, and invalidations (and puts) are kept in {@link Pending} and
 * replayed by the call that finds Redis back.
 */
final class L2<V> {

    private static final Logger LOG = LoggerFactory.getLogger(L2.class);
    /** Tag-set members are pruned this long after their expiry (nodes' clocks differ a little). */
    private static final long PRUNE_GRACE_MILLIS = 60_000;
    /** Entries per script call of {@link #fillAll}: bounds how long one call holds Redis. */
    static final int FILL_BATCH = 500;

    /** What a read found: an entry, a miss ({@code entry} null), or nothing since Redis was bypassed ({@code counter} null). */
    record Lookup<V>(Entry<V> entry, String counter) {
        boolean reached() {
            return counter != null;
        }

        boolean hit() {
            return entry != null;
        }
    }

    /** What a read of several keys found: hits by key, and the counter ({@code null}: bypassed). */
    record Batch<V>(Map<String, Entry<V>> hits, String counter) {
    }

    /** The outcome of taking a fleet load lock. */
    record Lock(String token, boolean busy) {
        static final Lock BYPASSED = new Lock(null, false);
        static final Lock BUSY = new Lock(null, true);

        boolean acquired() {
            return token != null;
        }
    }

    private final String name;
    private final RedisLink link;
    private final RedisKeys keys;
    private final CacheCodec<V> codec;
    private final Failover failover;
    private final CacheMeters meters;
    private final InstantSource clock;
    private final String origin;
    private final Pending pending = new Pending();
    private final Runnable onRecovered;

    L2(String name, RedisLink link, RedisKeys keys, CacheCodec<V> codec, Failover failover, CacheMeters meters,
       InstantSource clock, String origin, Runnable onRecovered) {
        this.name = name;
        this.link = link;
        this.keys = keys;
        this.codec = codec;
        this.failover = failover;
        this.meters = meters;
        this.clock = clock;
        this.origin = origin;
        this.onRecovered = onRecovered;
    }

    Lookup<V> read(String key) {
        List<KeyValue<String, String>> reply = call(r -> r.mget(keys.entry(key), keys.counter()), null);
        if (reply == null) {
            return new Lookup<>(null, null);
        }
        String counter = reply.get(1).getValueOrElse("0");
        Entry<V> e = decode(key, reply.get(0).getValueOrElse(null));
        (e == null ? meters.l2Misses : meters.l2Hits).increment();
        return new Lookup<>(e, counter);
    }

    Batch<V> readAll(List<String> keyList) {
        String[] names = new String[keyList.size() + 1];
        for (int i = 0; i < keyList.size(); i++) {
            names[i] = keys.entry(keyList.get(i));
        }
        names[keyList.size()] = keys.counter();
        List<KeyValue<String, String>> reply = call(r -> r.mget(names), null);
        if (reply == null) {
            return new Batch<>(Map.of(), null);
        }
        Map<String, Entry<V>> hits = new HashMap<>();
        for (int i = 0; i < keyList.size(); i++) {
            Entry<V> e = decode(keyList.get(i), reply.get(i).getValueOrElse(null));
            if (e != null) {
                hits.put(keyList.get(i), e);
                meters.l2Hits.increment();
            } else {
                meters.l2Misses.increment();
            }
        }
        return new Batch<>(hits, reply.get(keyList.size()).getValueOrElse("0"));
    }

    /** Writes a loaded entry unless the cache changed since {@code counter} was read; true when written. */
    boolean fill(String key, Entry<V> e, String counter) {
        Long written = write(key, e, counter, "", "");
        if (written != null && written == 1) {
            meters.l2Puts.increment();
            return true;
        }
        return false;
    }

    /**
     * Writes the entries one getAll loaded unless the cache changed since {@code counter} was read:
     * one script call (one round trip) per {@value #FILL_BATCH} entries, each checking the counter
     * once for all of its entries. Returns how many were written.
     */
    int fillAll(Map<String, Entry<V>> loaded, String counter) {
        long now = clock.millis();
        List<String> names = new ArrayList<>();
        List<String> args = new ArrayList<>();
        int written = 0;
        int batched = 0;
        for (Map.Entry<String, Entry<V>> each : loaded.entrySet()) {
            Entry<V> e = each.getValue();
            long ttl = e.expiresAtMillis() - now;
            String payload = ttl <= 0 ? null : encode(each.getKey(), e);
            if (payload == null) {
                continue;
            }
            if (batched == 0) {
                names.add(keys.counter());
                names.add(keys.index());
                args.add(counter);
                args.add(Long.toString(now - PRUNE_GRACE_MILLIS));
            }
            names.add(keys.entry(each.getKey()));
            for (String tag : e.tags()) {
                names.add(keys.tag(tag));
            }
            args.add(payload);
            args.add(Long.toString(ttl));
            args.add(Long.toString(e.expiresAtMillis()));
            args.add(Integer.toString(e.tags().size()));
            if (++batched == FILL_BATCH) {
                long n = fillBatch(names, args);
                if (n <= 0) {
                    return written; // refused (the cache changed) or bypassed: so would the next batches be
                }
                written += (int) n;
                batched = 0;
                names.clear();
                args.clear();
            }
        }
        if (batched > 0) {
            written += (int) Math.max(0, fillBatch(names, args));
        }
        return written;
    }

    private long fillBatch(List<String> names, List<String> args) {
        String[] k = names.toArray(String[]::new);
        String[] a = args.toArray(String[]::new);
        Long n = call(r -> Script.FILL_ALL.run(r, k, a), null);
        if (n == null) {
            return -1;
        }
        meters.l2Puts.add(n);
        return n;
    }

    /** Writes {@code e} whatever happened meanwhile, and tells the other nodes. */
    void put(String key, Entry<V> e) {
        if (write(key, e, "", keys.channel(), message(Message.KEY, key)) == null) {
            pending.key(key);
        } else {
            meters.l2Puts.increment();
        }
    }

    void invalidate(String key) {
        meters.l2Invalidated(CacheMeters.Scope.KEY);
        if (call(r -> invalidate(r, key), null) == null) {
            pending.key(key);
        }
    }

    void invalidateTag(String tag) {
        meters.l2Invalidated(CacheMeters.Scope.TAG);
        if (call(r -> dropTag(r, tag), null) == null) {
            pending.tag(tag);
        }
    }

    void invalidateAll() {
        meters.l2Invalidated(CacheMeters.Scope.ALL);
        if (call(this::dropAll, null) == null) {
            pending.all();
        }
    }

    Lock tryLock(String key, long leaseMillis) {
        String token = origin + ":" + UUID.randomUUID();
        String reply = call(r -> String.valueOf(r.set(keys.lock(key), token, SetArgs.Builder.nx().px(leaseMillis))), null);
        if (reply == null) {
            return Lock.BYPASSED;
        }
        return "OK".equals(reply) ? new Lock(token, false) : Lock.BUSY;
    }

    void unlock(String key, Lock lock) {
        call(r -> Script.UNLOCK.run(r, new String[] {keys.lock(key)}, lock.token(), keys.channel(),
                message(Message.FILLED, key)), null);
    }

    /** Entries in the key index (may count a few just expired), or -1 when Redis does not answer. */
    long size() {
        Long n = call(r -> r.zcard(keys.index()), null);
        return n == null ? -1 : n;
    }

    /** Tries Redis with a PING when a probe is due, so that a cache nobody reads still comes back. */
    void probe() {
        if (failover.state().degraded()) {
            call(RedisCommands::ping, null);
        }
    }

    Failover.State state() {
        return failover.state();
    }

    /** 1 when written (or nothing to write), 0 when a fill was refused, null when Redis was bypassed. */
    private Long write(String key, Entry<V> e, String counter, String channel, String message) {
        long now = clock.millis();
        long ttl = e.expiresAtMillis() - now;
        if (ttl <= 0) {
            return 1L;
        }
        String payload = encode(key, e);
        if (payload == null) {
            return 1L;
        }
        String[] names = new String[3 + e.tags().size()];
        names[0] = keys.entry(key);
        names[1] = keys.counter();
        names[2] = keys.index();
        int i = 3;
        for (String tag : e.tags()) {
            names[i++] = keys.tag(tag);
        }
        return call(r -> Script.WRITE.run(r, names, payload, Long.toString(ttl), Long.toString(e.expiresAtMillis()),
                Long.toString(now - PRUNE_GRACE_MILLIS), counter, channel, message), null);
    }

    /** The payload of {@code e}, or null (logged) when the codec cannot write its value. */
    private String encode(String key, Entry<V> e) {
        try {
            return Payload.encode(e, codec);
        } catch (RuntimeException ex) {
            LOG.warn("Cache '{}' cannot encode the value of key '{}' for Redis ({}); it stays in the L1 only", name, key, ex.toString());
            return null;
        }
    }

    private Entry<V> decode(String key, String payload) {
        if (payload == null) {
            return null;
        }
        Entry<V> e;
        try {
            e = Payload.decode(payload, codec);
        } catch (RuntimeException ex) {
            meters.l2Unreadable.increment();
            LOG.debug("Cache '{}' cannot read the L2 entry of key '{}' ({}); loading it again", name, key, ex.toString());
            return null;
        }
        if (clock.millis() >= e.expiresAtMillis()) {
            meters.l2Expired.increment();
            return null;
        }
        return e;
    }

    private Long invalidate(RedisCommands<String, String> r, String key) {
        return Script.INVALIDATE.run(r, new String[] {keys.entry(key), keys.counter(), keys.index()}, keys.channel(),
                message(Message.KEY, key));
    }

    private Long dropTag(RedisCommands<String, String> r, String tag) {
        return Script.DROP_SET.run(r, new String[] {keys.tag(tag), keys.counter()}, keys.channel(), message(Message.TAG, tag));
    }

    private Long dropAll(RedisCommands<String, String> r) {
        return Script.DROP_SET.run(r, new String[] {keys.index(), keys.counter()}, keys.channel(), message(Message.ALL, ""));
    }

    private String message(char type, String argument) {
        return new Message(origin, type, argument).format();
    }

    /**
     * Runs {@code op} on Redis unless bypassed; {@code bypassed} when skipped or failed. A call that
     * probes a degraded Redis replays the kept invalidations before its own operation (a read must
     * not find an entry invalidated during the outage); any call replays what is still kept after.
     */
    private <T> T call(Function<RedisCommands<String, String>, T> op, T bypassed) {
        boolean probing = failover.state().degraded();
        if (!failover.tryRedis()) {
            meters.l2Bypassed.increment();
            return bypassed;
        }
        T result;
        try {
            RedisCommands<String, String> redis = link.commands();
            if (probing) {
                replay(redis);
            }
            result = op.apply(redis);
            if (!pending.isEmpty()) {
                replay(redis); // kept by callers that were bypassed while this one probed
            }
        } catch (RuntimeException e) {
            failed(e);
            meters.l2Bypassed.increment();
            return bypassed;
        }
        if (failover.succeeded()) {
            recovered();
        }
        return result;
    }

    private void failed(RuntimeException e) {
        if (failover.failed(e)) {
            LOG.warn("Cache '{}': Redis at {} does not answer ({}). The L2 is bypassed: reads go to the loader,"
                    + " writes are dropped and invalidations are kept for replay; one call tries Redis again after each"
                    + " recovery back-off.", name, link.displayUri(), Failover.describe(e));
        }
    }

    private void replay(RedisCommands<String, String> r) {
        pending.replay(new Pending.Replay() {
            @Override
            public void all() {
                dropAll(r);
            }

            @Override
            public void tag(String tag) {
                dropTag(r, tag);
            }

            @Override
            public void key(String key) {
                invalidate(r, key);
            }
        });
    }

    /** Runs on the call that found Redis back (after the replay): listens again, empties the L1. */
    private void recovered() {
        link.resubscribe();
        onRecovered.run();
        LOG.info("Cache '{}': Redis at {} answers again; the L2 is used again, invalidations kept meanwhile were"
                + " replayed and the L1 was emptied", name, link.displayUri());
    }
}
