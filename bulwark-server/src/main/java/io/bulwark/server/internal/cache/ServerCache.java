package io.bulwark.server.internal.cache;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.cache.Cache;
import io.bulwark.cache.WarmProgress;
import io.bulwark.cache.Warming;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One cache the server holds: its spec, the library cache of JSON values, and its warm-up source
 * with the last warm-up it ran.
 */
final class ServerCache {

    private final CacheSpec spec;
    private final Cache<String, JsonNode> cache;
    private final HttpWarmer warmer;
    private final AtomicReference<Warming> last = new AtomicReference<>();

    ServerCache(CacheSpec spec, Cache<String, JsonNode> cache, HttpWarmer warmer) {
        this.spec = spec;
        this.cache = cache;
        this.warmer = warmer;
    }

    CacheSpec spec() {
        return spec;
    }

    Cache<String, JsonNode> cache() {
        return cache;
    }

    String name() {
        return spec.name();
    }

    boolean warmable() {
        return warmer != null;
    }

    /**
     * Starts a warm-up from the cache's URL, or returns the one running.
     *
     * @throws IllegalStateException when the cache has no warm-up source
     */
    Warming warm() {
        if (warmer == null) {
            throw new IllegalStateException("cache " + name() + " has no warm-up source: set cache." + name()
                    + ".warmUrl to an http(s) URL that answers a JSON object of key to value");
        }
        Warming w = cache.warm();
        if (last.getAndSet(w) != w) {
            // Drop the snapshot when this run ends, unless a newer run took over meanwhile.
            w.done().whenComplete((p, e) -> {
                if (last.get() == w) {
                    warmer.release();
                }
            });
        }
        return w;
    }

    /** The last warm-up's progress, if one ran since the server started. */
    Optional<WarmProgress> lastWarm() {
        return Optional.ofNullable(last.get()).map(Warming::progress);
    }
}
