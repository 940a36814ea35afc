package io.bulwark.server;

import io.bulwark.cache.CacheConfig;
import io.bulwark.core.config.BulwarkConfig;
import io.bulwark.core.config.ConfigKey;
import io.bulwark.core.config.Secret;
import io.bulwark.core.config.ValueType;
import io.bulwark.core.config.ValueTypes;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Config keys of the caches the server holds: {@code cache.<name>.*}. Setting any key of a name
 * declares that cache; {@code levels} says where its entries live (default {@code l1,l2} when
 * {@code redis} is set, else {@code l1}). The server's caches hold JSON values put over the API
 * (they have no loader of their own); a cache may be warmed from an HTTP snapshot ({@code warmUrl}).
 * See docs/cache.md.
 */
public final class CacheKeys {

    /** The prefix of every cache key. */
    public static final String PREFIX = "cache.";

    public static final ConfigKey<String> LEVELS = ConfigKey.builder("cache.*.levels", levels())
            .description("Where entries live: l1 (this process, Caffeine), l2 (Redis, shared by the fleet) or l1,l2 "
                    + "(default l1,l2 when redis is set, else l1).").build();

    public static final ConfigKey<Secret> REDIS = ConfigKey.builder("cache.*.redis", ValueTypes.secret())
            .description("The Redis of the L2, e.g. redis://127.0.0.1:6379 (rediss:// for TLS); a password in it is a "
                    + "secret (give it as env:NAME or file:/path). Caches on the same URL share its connections.").build();

    public static final ConfigKey<Integer> MAXIMUM_SIZE = ConfigKey.builder("cache.*.maximumSize",
                    ValueTypes.integer(1, Integer.MAX_VALUE))
            .description("Most entries the L1 keeps; past it Caffeine evicts the least useful (default 10000).").build();

    public static final ConfigKey<Duration> TTL = ConfigKey.builder("cache.*.ttl",
                    ValueTypes.duration(Duration.ofMillis(1), Duration.ofDays(3650)))
            .description("How long an entry lives after it was written, in both levels (default 10m); a PUT may give "
                    + "its own.").build();

    public static final ConfigKey<Duration> REFRESH_AFTER = ConfigKey.builder("cache.*.refreshAfter",
                    ValueTypes.duration(Duration.ofMillis(1), Duration.ofDays(3650)))
            .description("With levels l1,l2: an L1 entry read after this age is served and re-read from the L2 in the "
                    + "background, a bound on how stale a node's copy can be if an invalidation is lost; shorter than "
                    + "ttl (default off).").build();

    public static final ConfigKey<String> TAGS = ConfigKey.builder("cache.*.tags", tags())
            .description("Tags every entry of the cache carries, comma-separated (invalidate them all by one).").build();

    public static final ConfigKey<String> NAMESPACE = ConfigKey.builder("cache.*.namespace", ValueTypes.string())
            .description("The prefix of the cache's Redis keys and channel (default bulwark:cache).").build();

    public static final ConfigKey<String> VERSION = ConfigKey.builder("cache.*.version", ValueTypes.string())
            .description("Part of every Redis key of the cache; change it when the values' format changes, so old "
                    + "entries are not read (default 1).").build();

    public static final ConfigKey<Secret> WARM_URL = ConfigKey.builder("cache.*.warmUrl", ValueTypes.secret())
            .description("Where a warm-up reads its entries: an http(s) URL answering a JSON object of key to value; "
                    + "a token in it is a secret (env:NAME or file:/path). Unset: the cache cannot be warmed.").build();

    public static final ConfigKey<Boolean> WARM_ON_START = ConfigKey.builder("cache.*.warmOnStart", ValueTypes.bool())
            .description("Warm the cache from warmUrl when the server starts (default false).").build();

    public static final ConfigKey<Duration> WARM_EVERY = ConfigKey.builder("cache.*.warmEvery",
                    ValueTypes.duration(Duration.ofSeconds(1), Duration.ofDays(365)))
            .description("Warm the cache from warmUrl again at this interval (default off).").build();

    public static final ConfigKey<Integer> WARM_BATCH_SIZE = ConfigKey.builder("cache.*.warmBatchSize",
                    ValueTypes.integer(1, 10_000))
            .description("Keys a warm-up looks up and stores per batch (default 100).").build();

    /** Every cache key. */
    public static final List<ConfigKey<?>> ALL = List.of(LEVELS, REDIS, MAXIMUM_SIZE, TTL, REFRESH_AFTER, TAGS, NAMESPACE,
            VERSION, WARM_URL, WARM_ON_START, WARM_EVERY, WARM_BATCH_SIZE);

    private CacheKeys() {
    }

    /** The concrete key of {@code pattern} for cache {@code name}: {@code cache.products.ttl}. */
    public static String keyOf(ConfigKey<?> pattern, String name) {
        return pattern.name().replace("*", name);
    }

    /** The names of the caches the config declares (any of their keys is set), sorted. */
    public static Set<String> declared(BulwarkConfig config) {
        Set<String> names = new TreeSet<>();
        for (ConfigKey<?> pattern : ALL) {
            String field = pattern.name().substring((PREFIX + "*.").length());
            for (String key : config.getAll(pattern).keySet()) {
                names.add(key.substring(PREFIX.length(), key.length() - field.length() - 1));
            }
        }
        return names;
    }

    /** l1, l2 or l1,l2 (either order, spaces allowed), returned as l1, l2 or l1,l2. */
    private static ValueType<String> levels() {
        ValueType<String> string = ValueTypes.string();
        String describe = "l1, l2 or l1,l2";
        return new ValueType<>() {
            @Override
            public String convert(Object raw) {
                Set<String> found = new LinkedHashSet<>();
                for (String part : string.convert(raw).split(",", -1)) {
                    String level = part.strip().toLowerCase(Locale.ROOT);
                    if (!level.equals("l1") && !level.equals("l2") || !found.add(level)) {
                        throw new IllegalArgumentException("expected " + describe + " but was '" + raw + "'");
                    }
                }
                return found.size() == 2 ? "l1,l2" : found.iterator().next();
            }

            @Override
            public String describe() {
                return describe;
            }
        };
    }

    /** Comma-separated tags, each checked as the library does; returned joined by commas. */
    private static ValueType<String> tags() {
        ValueType<String> string = ValueTypes.string();
        return new ValueType<>() {
            @Override
            public String convert(Object raw) {
                List<String> out = new ArrayList<>();
                for (String part : string.convert(raw).split(",", -1)) {
                    out.add(CacheConfig.requireValidTag(part.strip()));
                }
                return String.join(",", out);
            }

            @Override
            public String describe() {
                return "comma-separated tags (1-200 characters each, no control characters)";
            }
        };
    }
}
