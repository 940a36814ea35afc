package io.bulwark.server.internal.cache;

import io.bulwark.cache.CacheConfig;
import io.bulwark.redis.RedisUris;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One cache as the config declares it: the library's {@link CacheConfig} (levels, sizes, times,
 * tags, namespace, version) plus what only the server has: the Redis URL it shares with other
 * caches, and the warm-up source.
 *
 * @param config the cache's configuration (without a Redis URI: the server passes shared connections)
 * @param redis the Redis of the L2, with its password; empty without L2
 * @param warmUrl where a warm-up reads its entries; empty when the cache cannot be warmed
 * @param warmOnStart whether the server warms the cache when it starts
 * @param warmEvery how often the server warms it again; empty: never by itself
 */
record CacheSpec(CacheConfig config, Optional<String> redis, Optional<URI> warmUrl, boolean warmOnStart,
                 Optional<Duration> warmEvery) {

    CacheSpec {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(redis, "redis");
        Objects.requireNonNull(warmUrl, "warmUrl");
        Objects.requireNonNull(warmEvery, "warmEvery");
    }

    String name() {
        return config.name();
    }

    /** The Redis URL without its password, for views and logs. */
    Optional<String> displayRedis() {
        return redis.map(RedisUris::withoutPassword);
    }

    /** The warm-up URL without credentials or query (which may hold a token), for views and logs. */
    Optional<String> displayWarmUrl() {
        return warmUrl.map(CacheSpec::display);
    }

    static String display(URI u) {
        return u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort())
                + (u.getRawPath() == null ? "" : u.getRawPath()) + (u.getRawQuery() == null ? "" : "?****");
    }
}
