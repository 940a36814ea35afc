package io.bulwark.server.internal.cache;

import io.bulwark.cache.CacheConfig;
import io.bulwark.core.config.BulwarkConfig;
import io.bulwark.core.config.ConfigKey;
import io.bulwark.core.config.Secret;
import io.bulwark.redis.RedisUris;
import io.bulwark.server.CacheKeys;
import io.bulwark.server.StartupException;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns the flat {@code cache.<name>.*} keys into {@link CacheSpec}s. Each value goes through the
 * library's own checks ({@link CacheConfig.Builder}), and every problem is reported under the key
 * that causes it; all of them at once, so one start shows everything to fix.
 */
final class CachesConfig {

    private CachesConfig() {
    }

    /**
     * The caches the config declares, sorted by name.
     *
     * @throws StartupException naming every bad key, with what is allowed
     */
    static List<CacheSpec> read(BulwarkConfig config) {
        List<String> problems = new ArrayList<>();
        List<CacheSpec> out = new ArrayList<>();
        for (String name : CacheKeys.declared(config)) {
            CacheSpec spec = one(config, name, problems);
            if (spec != null) {
                out.add(spec);
            }
        }
        if (!problems.isEmpty()) {
            throw new StartupException("invalid cache config: " + String.join("; ", problems));
        }
        return List.copyOf(out);
    }

    private static CacheSpec one(BulwarkConfig config, String name, List<String> problems) {
        int before = problems.size();
        CacheConfig.Builder b;
        try {
            b = CacheConfig.builder(name);
            CacheConfig.builder(name).build(); // the name's own rules
        } catch (IllegalArgumentException e) {
            problems.add(CacheKeys.PREFIX + name + ": " + e.getMessage());
            return null;
        }
        Optional<String> redis = value(config, CacheKeys.REDIS, name).map(Secret::reveal);
        String levels = value(config, CacheKeys.LEVELS, name).orElse(redis.isPresent() ? "l1,l2" : "l1");
        boolean l1 = levels.contains("l1");
        boolean l2 = levels.contains("l2");
        b.l1(l1).l2(l2);
        if (l2 && redis.isEmpty()) {
            problems.add(key(CacheKeys.REDIS, name) + ": levels " + levels + " needs the Redis of the L2, e.g. "
                    + "redis://127.0.0.1:6379");
        }
        if (!l2 && redis.isPresent()) {
            problems.add(key(CacheKeys.REDIS, name) + " is set but " + key(CacheKeys.LEVELS, name) + " is " + levels
                    + ": add l2 to the levels or remove the redis key");
        }
        redis.ifPresent(uri -> check(problems, CacheKeys.REDIS, name,
                () -> RedisUris.parse(uri, RedisUris.withoutPassword(uri))));
        value(config, CacheKeys.MAXIMUM_SIZE, name).ifPresent(size -> {
            if (!l1) {
                problems.add(key(CacheKeys.MAXIMUM_SIZE, name) + " bounds the L1, but the cache's levels are " + levels);
            }
            check(problems, CacheKeys.MAXIMUM_SIZE, name, () -> b.maximumSize(size));
        });
        value(config, CacheKeys.TTL, name).ifPresent(ttl -> check(problems, CacheKeys.TTL, name, () -> b.ttl(ttl)));
        value(config, CacheKeys.REFRESH_AFTER, name).ifPresent(r -> {
            if (!l1 || !l2) {
                problems.add(key(CacheKeys.REFRESH_AFTER, name) + " re-reads L1 entries from the L2, so it needs levels "
                        + "l1,l2 but they are " + levels + " (a server cache has no loader to refresh from)");
            }
            check(problems, CacheKeys.REFRESH_AFTER, name, () -> b.refreshAfter(r));
        });
        value(config, CacheKeys.TAGS, name).ifPresent(t -> check(problems, CacheKeys.TAGS, name,
                () -> b.tags(List.of(t.split(",")))));
        value(config, CacheKeys.NAMESPACE, name).ifPresent(n -> b.namespace(n));
        value(config, CacheKeys.VERSION, name).ifPresent(v -> b.version(v));
        value(config, CacheKeys.WARM_BATCH_SIZE, name).ifPresent(n -> check(problems, CacheKeys.WARM_BATCH_SIZE, name,
                () -> b.warmBatchSize(n)));
        Optional<URI> warmUrl = value(config, CacheKeys.WARM_URL, name).map(Secret::reveal)
                .flatMap(u -> warmUrl(u, name, problems));
        boolean warmOnStart = value(config, CacheKeys.WARM_ON_START, name).orElse(false);
        Optional<Duration> warmEvery = value(config, CacheKeys.WARM_EVERY, name);
        for (ConfigKey<?> needsUrl : List.of(CacheKeys.WARM_ON_START, CacheKeys.WARM_EVERY, CacheKeys.WARM_BATCH_SIZE)) {
            if (value(config, needsUrl, name).isPresent() && value(config, CacheKeys.WARM_URL, name).isEmpty()) {
                problems.add(key(needsUrl, name) + " is set but " + key(CacheKeys.WARM_URL, name)
                        + " is not: a warm-up needs the URL it reads its entries from");
            }
        }
        if (problems.size() > before) {
            return null;
        }
        CacheConfig built;
        try {
            built = b.build();
        } catch (IllegalArgumentException e) {
            problems.add(keyFor(e.getMessage(), name) + ": " + e.getMessage());
            return null;
        }
        return new CacheSpec(built, l2 ? redis : Optional.empty(), warmUrl, warmOnStart, warmEvery);
    }

    private static Optional<URI> warmUrl(String text, String name, List<String> problems) {
        try {
            URI u = new URI(text);
            if (("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null) {
                return Optional.of(u);
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        problems.add(key(CacheKeys.WARM_URL, name) + " must be an http(s) URL such as "
                + "https://catalog.internal/cache/products but is not one");
        return Optional.empty();
    }

    /** The key a whole-config message of the library is about: its first word names the setting. */
    private static String keyFor(String message, String name) {
        for (ConfigKey<?> k : CacheKeys.ALL) {
            String field = k.name().substring((CacheKeys.PREFIX + "*.").length());
            if (message.startsWith(field + " ")) {
                return key(k, name);
            }
        }
        return CacheKeys.PREFIX + name;
    }

    private static void check(List<String> problems, ConfigKey<?> pattern, String name, Runnable set) {
        try {
            set.run();
        } catch (IllegalArgumentException e) {
            problems.add(key(pattern, name) + ": " + e.getMessage());
        }
    }

    private static <T> Optional<T> value(BulwarkConfig config, ConfigKey<T> pattern, String name) {
        return Optional.ofNullable(config.getAll(pattern).get(key(pattern, name)));
    }

    private static String key(ConfigKey<?> pattern, String name) {
        return CacheKeys.keyOf(pattern, name);
    }
}
