package io.bulwark.server.internal.cache;

import io.bulwark.cache.CacheConfig;
import io.bulwark.cache.CacheStats;
import io.bulwark.cache.CacheStatus;
import io.bulwark.cache.WarmProgress;
import io.bulwark.core.units.Durations;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON forms of caches, their figures per level and warm-ups. */
final class CacheViews {

    private CacheViews() {
    }

    static Map<String, Object> cache(ServerCache c) {
        CacheConfig config = c.cache().config();
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("name", c.name());
        List<String> levels = new ArrayList<>();
        if (config.l1()) {
            levels.add("l1");
        }
        if (config.l2()) {
            levels.add("l2");
        }
        o.put("levels", levels);
        o.put("maximumSize", config.l1() ? config.maximumSize() : null);
        o.put("redis", c.spec().displayRedis().orElse(null));
        o.put("ttl", Durations.format(config.ttl()));
        o.put("refreshAfter", config.refreshAfter().map(Durations::format).orElse(null));
        o.put("tags", config.tags().stream().sorted().toList());
        o.put("namespace", config.namespace());
        o.put("version", config.version());
        CacheStatus s = c.cache().status();
        o.put("status", s.status().name());
        o.put("since", s.since().toString());
        o.put("lastError", s.lastError().orElse(null));
        if (s.l2()) {
            o.put("busConnected", s.busConnected());
        }
        Map<String, Object> warm = new LinkedHashMap<>();
        warm.put("source", c.spec().displayWarmUrl().orElse(null));
        warm.put("onStart", c.spec().warmOnStart());
        warm.put("every", c.spec().warmEvery().map(Durations::format).orElse(null));
        warm.put("last", c.lastWarm().map(CacheViews::progress).orElse(null));
        o.put("warm", warm);
        CacheStats stats = c.cache().stats();
        Map<String, Object> byLevel = new LinkedHashMap<>();
        stats.l1().ifPresent(l -> byLevel.put("l1", level(l)));
        stats.l2().ifPresent(l -> byLevel.put("l2", level(l)));
        o.put("stats", byLevel);
        return o;
    }

    static Map<String, Object> level(CacheStats.Level l) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("size", l.size());
        o.put("hits", l.hits());
        o.put("misses", l.misses());
        o.put("hitRatio", l.hitRatio());
        o.put("loads", l.loads());
        o.put("loadFailures", l.loadFailures());
        o.put("loadTime", Durations.format(l.loadTime()));
        o.put("evictions", l.evictions());
        o.put("evictionsByCause", l.evictionsByCause());
        o.put("invalidations", l.invalidations());
        return o;
    }

    static Map<String, Object> progress(WarmProgress p) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("state", p.state().name());
        o.put("total", p.total());
        o.put("loaded", p.loaded());
        o.put("failed", p.failed());
        o.put("fraction", p.fraction());
        o.put("started", p.started().toString());
        o.put("finished", p.finished().map(Object::toString).orElse(null));
        o.put("error", p.error().orElse(null));
        return o;
    }
}
