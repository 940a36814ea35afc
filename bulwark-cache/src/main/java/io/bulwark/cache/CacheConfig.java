package io.bulwark.cache;

import io.bulwark.core.units.Durations;
import io.bulwark.redis.RedisUris;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a cache is, as plain data a configuration file can hold: its name, its levels, the Redis
 * URL, its bounds and times, its default tags. The code-only parts (codec, loader, warmer,
 * clock, executor, meter registry) are set on {@link CacheBuilder}.
 *
 * <pre>{@code
 * CacheConfig products = CacheConfig.builder("products")
 *         .maximumSize(50_000)
 *         .l2("redis://127.0.0.1:6379")
 *         .ttl(Duration.ofMinutes(10))
 *         .refreshAfter(Duration.ofMinutes(8))
 *         .tags("catalog")
 *         .build();
 * Cache<String, Product> cache = Caches.builder(products, Product.class).build();
 * }</pre>
 *
 * @param name the cache's name: letters, digits, {@code . _ -}; in Redis keys, channels and metric tags
 * @param l1 whether entries are kept in the process (Caffeine)
 * @param maximumSize how many entries the L1 keeps at most (ignored when a weigher is set on the builder)
 * @param l2 whether entries are kept in Redis, shared by every node
 * @param redisUri the Redis of the L2 when the cache opens its own connections; empty when
 *     {@link CacheBuilder#l2(CacheRedis)} supplies shared ones (or without L2)
 * @param ttl how long an entry lives after it was written, in both levels
 * @param refreshAfter when set, an entry read after this age is served and reloaded in the
 *     background; shorter than {@code ttl}
 * @param tags tags every entry of this cache carries (besides those the builder's tagger adds)
 * @param namespace the prefix of every Redis key and channel of the cache
 * @param version part of every Redis key: a deploy whose values have a new format bumps it, so it
 *     never reads entries written in the old one
 * @param fleetLock when set, a miss takes a short Redis lock of this lease so one node of the
 *     fleet loads while the others wait for its value
 * @param earlyRefreshBeta how eagerly hot entries are refreshed before they expire
 *     (probabilistic early expiration; 1 is the usual value, 0 turns it off)
 * @param recoveryBackoff while Redis does not answer, how long between two attempts to reach it
 * @param warmOnStart whether {@link CacheBuilder#build()} starts a warm-up (needs a warmer)
 * @param warmBatchSize how many keys a warm-up loads per call of the warmer
 */
public record CacheConfig(String name, boolean l1, long maximumSize, boolean l2, Optional<String> redisUri,
                          Duration ttl, Optional<Duration> refreshAfter, Set<String> tags, String namespace,
                          String version, Optional<Duration> fleetLock, double earlyRefreshBeta,
                          Duration recoveryBackoff, boolean warmOnStart, int warmBatchSize) {

    /** The namespace unless another is given. */
    public static final String DEFAULT_NAMESPACE = "bulwark:cache";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9._-]{1,32}");
    private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9:._-]{1,100}");

    /** Validates; see {@link Builder} for each rule. */
    public CacheConfig {
        Objects.requireNonNull(redisUri, "redisUri");
        Objects.requireNonNull(refreshAfter, "refreshAfter");
        Objects.requireNonNull(fleetLock, "fleetLock");
        tags = Set.copyOf(tags);
        check(NAME.matcher(String.valueOf(name)).matches(),
                "name must be 1-100 letters, digits, '.', '_' or '-' but was '" + name + "'");
        check(l1 || l2, "cache '" + name + "' needs at least one level: l1, l2 or both");
        check(maximumSize >= 1, "maximumSize must be >= 1 but was " + maximumSize);
        positive("ttl", ttl);
        refreshAfter.ifPresent(r -> {
            positive("refreshAfter", r);
            check(r.compareTo(ttl) < 0, "refreshAfter must be shorter than ttl (" + Durations.format(ttl)
                    + ") but was " + Durations.format(r));
        });
        tags.forEach(CacheConfig::requireValidTag);
        check(NAMESPACE.matcher(String.valueOf(namespace)).matches(),
                "namespace must be 1-100 letters, digits, ':', '.', '_' or '-' but was '" + namespace + "'");
        check(VERSION.matcher(String.valueOf(version)).matches(),
                "version must be 1-32 letters, digits, '.', '_' or '-' but was '" + version + "'");
        fleetLock.ifPresent(d -> positive("fleetLock", d));
        check(earlyRefreshBeta >= 0 && earlyRefreshBeta <= 100 && !Double.isNaN(earlyRefreshBeta),
                "earlyRefreshBeta must be between 0 and 100 but was " + earlyRefreshBeta);
        positive("recoveryBackoff", recoveryBackoff);
        check(warmBatchSize >= 1 && warmBatchSize <= 10_000,
                "warmBatchSize must be between 1 and 10000 but was " + warmBatchSize);
    }

    /** A builder for cache {@code name}: L1 only, 10,000 entries, ttl 10m, until told otherwise. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** A builder that starts from this configuration. */
    public Builder toBuilder() {
        Builder b = new Builder(name);
        b.l1 = l1;
        b.maximumSize = maximumSize;
        b.l2 = l2;
        b.redisUri = redisUri.orElse(null);
        b.ttl = ttl;
        b.refreshAfter = refreshAfter.orElse(null);
        b.tags.addAll(tags);
        b.namespace = namespace;
        b.version = version;
        b.fleetLock = fleetLock.orElse(null);
        b.earlyRefreshBeta = earlyRefreshBeta;
        b.recoveryBackoff = recoveryBackoff;
        b.warmOnStart = warmOnStart;
        b.warmBatchSize = warmBatchSize;
        return b;
    }

    @Override
    public String toString() {
        return "CacheConfig[" + name + ", l1=" + l1 + (l1 ? " (maximumSize=" + maximumSize + ")" : "")
                + ", l2=" + l2 + redisUri.map(u -> " (" + RedisUris.withoutPassword(u) + ")").orElse("")
                + ", ttl=" + Durations.format(ttl)
                + refreshAfter.map(r -> ", refreshAfter=" + Durations.format(r)).orElse("")
                + (tags.isEmpty() ? "" : ", tags=" + tags) + ", namespace=" + namespace + ", version=" + version
                + fleetLock.map(f -> ", fleetLock=" + Durations.format(f)).orElse("")
                + ", earlyRefreshBeta=" + earlyRefreshBeta + "]";
    }

    /**
     * Checks a tag: 1-200 characters, no {@code ','} and no control characters.
     *
     * @throws IllegalArgumentException naming the tag when it is not valid
     */
    public static String requireValidTag(String tag) {
        check(tag != null && !tag.isEmpty() && tag.length() <= 200 && tag.chars().noneMatch(c -> c == ',' || c < ' '),
                "a tag must be 1-200 characters without ',' or control characters but was '" + tag + "'");
        return tag;
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    private static void positive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        check(!value.isNegative() && !value.isZero(), name + " must be > 0 but was " + value);
    }

    /** Builds {@link CacheConfig}; each setter checks its value at once, {@link #build()} the whole. */
    public static final class Builder {
        private final String name;
        private boolean l1 = true;
        private long maximumSize = 10_000;
        private boolean l2;
        private String redisUri;
        private Duration ttl = Duration.ofMinutes(10);
        private Duration refreshAfter;
        private final Set<String> tags = new LinkedHashSet<>();
        private String namespace = DEFAULT_NAMESPACE;
        private String version = "1";
        private Duration fleetLock;
        private double earlyRefreshBeta = 1.0;
        private Duration recoveryBackoff = Duration.ofSeconds(1);
        private boolean warmOnStart;
        private int warmBatchSize = 100;

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        /** Whether the cache has an L1 (default true). */
        public Builder l1(boolean enabled) {
            this.l1 = enabled;
            return this;
        }

        /** How many entries the L1 keeps at most (default 10,000); must be >= 1. */
        public Builder maximumSize(long value) {
            check(value >= 1, "maximumSize must be >= 1 but was " + value);
            this.maximumSize = value;
            return this;
        }

        /** Whether the cache has an L2 (default false); {@link #l2(String)} also turns it on. */
        public Builder l2(boolean enabled) {
            this.l2 = enabled;
            return this;
        }

        /**
         * An L2 on the Redis at {@code uri} ({@code redis://[:password@]host:port[/db]}).
         *
         * @throws IllegalArgumentException naming the URI (without its password) when it is not a Redis URI
         */
        public Builder l2(String uri) {
            Objects.requireNonNull(uri, "redisUri");
            RedisUris.parse(uri, RedisUris.withoutPassword(uri));
            this.redisUri = uri;
            this.l2 = true;
            return this;
        }

        /** How long an entry lives after it was written (default 10m); must be > 0. */
        public Builder ttl(Duration value) {
            positive("ttl", value);
            this.ttl = value;
            return this;
        }

        /** Serve and reload in the background an entry read after this age; must be > 0 and < ttl. */
        public Builder refreshAfter(Duration value) {
            positive("refreshAfter", value);
            this.refreshAfter = value;
            return this;
        }

        /** Tags every entry carries, added to those given before. */
        public Builder tags(String... values) {
            return tags(java.util.List.of(values));
        }

        /** Tags every entry carries, added to those given before. */
        public Builder tags(Collection<String> values) {
            values.forEach(CacheConfig::requireValidTag);
            tags.addAll(values);
            return this;
        }

        /** The prefix of the cache's Redis keys and channel (default {@value #DEFAULT_NAMESPACE}). */
        public Builder namespace(String value) {
            this.namespace = Objects.requireNonNull(value, "namespace");
            return this;
        }

        /** The value-format version in the cache's Redis keys (default {@code 1}). */
        public Builder version(String value) {
            this.version = Objects.requireNonNull(value, "version");
            return this;
        }

        /** One load per fleet on a miss, under a Redis lock of this lease (default off); must be > 0. */
        public Builder fleetLock(Duration lease) {
            positive("fleetLock", lease);
            this.fleetLock = lease;
            return this;
        }

        /** Probabilistic early refresh factor (default 1; 0 turns it off); between 0 and 100. */
        public Builder earlyRefreshBeta(double beta) {
            check(beta >= 0 && beta <= 100, "earlyRefreshBeta must be between 0 and 100 but was " + beta);
            this.earlyRefreshBeta = beta;
            return this;
        }

        /** While Redis is away, how long between attempts to reach it again (default 1s); must be > 0. */
        public Builder recoveryBackoff(Duration value) {
            positive("recoveryBackoff", value);
            this.recoveryBackoff = value;
            return this;
        }

        /** Whether building the cache starts a warm-up (default false). */
        public Builder warmOnStart(boolean value) {
            this.warmOnStart = value;
            return this;
        }

        /** Keys per call of the warmer (default 100); between 1 and 10000. */
        public Builder warmBatchSize(int value) {
            check(value >= 1 && value <= 10_000, "warmBatchSize must be between 1 and 10000 but was " + value);
            this.warmBatchSize = value;
            return this;
        }

        /** @throws IllegalArgumentException naming the setting and the value when the whole is inconsistent */
        public CacheConfig build() {
            return new CacheConfig(name, l1, maximumSize, l2, Optional.ofNullable(redisUri), ttl,
                    Optional.ofNullable(refreshAfter), tags, namespace, version, Optional.ofNullable(fleetLock),
                    earlyRefreshBeta, recoveryBackoff, warmOnStart, warmBatchSize);
        }
    }
}
