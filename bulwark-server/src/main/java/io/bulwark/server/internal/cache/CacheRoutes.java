package io.bulwark.server.internal.cache;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.cache.CacheConfig;
import io.bulwark.cache.Warming;
import io.bulwark.core.units.Durations;
import io.bulwark.server.auth.Role;
import io.bulwark.server.http.ApiException;
import io.bulwark.server.http.ApiRoutes;
import io.bulwark.server.http.FieldError;
import io.bulwark.server.http.JsonBodies;
import io.bulwark.server.http.Page;
import io.bulwark.server.http.RouteDoc;
import io.javalin.http.Context;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /api/v1/caches}: viewers read the caches, their figures per level and single entries;
 * operators put, delete and invalidate entries and start warm-ups. Values are JSON: a PUT's body
 * is the value, a GET answers it as it was put. A server cache has no loader, so a GET of a key
 * neither level holds is a 404.
 */
final class CacheRoutes {

    /** The longest key accepted. */
    static final int MAX_KEY = 1024;
    /** The most keys or tags one invalidation names. */
    static final int MAX_INVALIDATE = 1000;

    /**
     * The body of {@code POST /invalidate}.
     *
     * @param keys keys to remove from both levels and every node's L1
     * @param tags tags whose entries to remove
     * @param all true to remove every entry (alone)
     */
    record InvalidateBody(List<String> keys, List<String> tags, Boolean all) {
    }

    private static final String CACHE_NAME = "the cache's name (cache.<name>.* in config)";
    private static final String KEY = "the entry's key: 1-1024 characters without control characters, URL-encoded";

    private final CacheCapability caches;
    private final long bodyLimit;

    CacheRoutes(CacheCapability caches, long bodyLimit) {
        this.caches = caches;
        this.bodyLimit = bodyLimit;
    }

    void register(ApiRoutes routes) {
        routes.get("/api/v1/caches", this::list, Role.VIEWER, RouteDoc.of("Every cache with its figures per level")
                .describe("Each with `name`, `levels`, its settings, `status` (UP, or DEGRADED while its Redis does not "
                        + "answer), `warm` and `stats`: per level `size`, `hits`, `misses`, `hitRatio`, `loads`, "
                        + "`loadFailures`, `loadTime`, `evictions`, `evictionsByCause`, `invalidations`.")
                .paged()
                .answers(200, "`{\"items\":[...],\"nextCursor\"}`")
                .errors(400));
        routes.get("/api/v1/caches/{name}", this::get, Role.VIEWER, RouteDoc.of("One cache with its figures per level")
                .path("name", CACHE_NAME)
                .describe("As in the list, plus the last warm-up's progress in `warm.last`.")
                .errors(404));
        routes.get("/api/v1/caches/{name}/keys/<key>", this::getKey, Role.VIEWER, RouteDoc.of("The value of one key")
                .path("name", CACHE_NAME)
                .path("key", KEY)
                .describe("From the L1, else the L2 (which then fills the L1); never loads. The body is the value as "
                        + "it was put.")
                .answers(200, "the value (any JSON)")
                .errors(400, 404));
        routes.put("/api/v1/caches/{name}/keys/<key>", this::putKey, Role.OPERATOR, RouteDoc.of("Put the value of a key")
                .path("name", CACHE_NAME)
                .path("key", KEY)
                .query("ttl", String.class, "the entry's own life, e.g. 30s or 1h (default: the cache's ttl)")
                .query("tags", String.class, "tags of the entry besides the cache's, comma-separated")
                .body(RouteDoc.Body.of(JsonNode.class, "the value: any JSON but null"))
                .describe("Written to both levels; every other node drops its L1 copy.")
                .answers(200, "`{\"cache\",\"key\",\"ttl\",\"tags\"}`")
                .errors(404));
        routes.delete("/api/v1/caches/{name}/keys/<key>", this::deleteKey, Role.OPERATOR,
                RouteDoc.of("Remove a key from both levels and every node's L1")
                .path("name", CACHE_NAME)
                .path("key", KEY)
                .describe("Idempotent: removing a key the cache does not hold is a 204 too.")
                .answers(204, "removed")
                .errors(400, 404));
        routes.post("/api/v1/caches/{name}/invalidate", this::invalidate, Role.OPERATOR,
                RouteDoc.of("Invalidate keys, tags or every entry")
                .path("name", CACHE_NAME)
                .body(RouteDoc.Body.of(InvalidateBody.class, "`keys` and/or `tags` (up to 1000 each), or `all: true` alone"))
                .describe("A tag is removed atomically in Redis, then from every node's L1.")
                .answers(200, "`{\"cache\",\"keys\",\"tags\",\"all\"}`: what was invalidated")
                .errors(404));
        routes.post("/api/v1/caches/{name}/warm", this::warm, Role.OPERATOR,
                RouteDoc.of("Warm a cache from its warm-up URL")
                .path("name", CACHE_NAME)
                .describe("Starts a warm-up (or returns the one running): one GET of `cache.<name>.warmUrl`, whose JSON "
                        + "object of key to value fills the keys neither level holds. Follow it with GET "
                        + "/api/v1/caches/{name} (`warm.last`).")
                .answers(202, "the warm-up's progress: `state`, `total`, `loaded`, `failed`, `started`")
                .errors(404, 409));
    }

    private void list(Context ctx) {
        Page<ServerCache> page = Page.of(caches.caches(), ServerCache::name, ctx.queryParam("cursor"),
                Page.limit(ctx.queryParam("limit"), 100));
        ctx.json(new Page<>(page.items().stream().map(CacheViews::cache).toList(), page.nextCursor()));
    }

    private void get(Context ctx) {
        ctx.json(CacheViews.cache(cache(ctx)));
    }

    private void getKey(Context ctx) {
        ServerCache c = cache(ctx);
        String key = key(ctx);
        JsonNode value = c.cache().getIfPresent(key).orElseThrow(() -> ApiException.notFound("cache " + c.name()
                + " holds no key '" + key + "' (a server cache does not load: put it first)"));
        ctx.json(value);
    }

    private void putKey(Context ctx) {
        ServerCache c = cache(ctx);
        String key = key(ctx);
        Duration ttl = ttl(ctx.queryParam("ttl"), c.cache().config().ttl());
        Set<String> tags = tags(ctx.queryParam("tags"));
        JsonNode value = ValueBody.read(ctx, bodyLimit);
        c.cache().put(key, value, tags, ttl);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("cache", c.name());
        out.put("key", key);
        out.put("ttl", Durations.format(ttl));
        Set<String> all = new LinkedHashSet<>(c.cache().config().tags());
        all.addAll(tags);
        out.put("tags", all);
        ctx.json(out);
    }

    private void deleteKey(Context ctx) {
        ServerCache c = cache(ctx);
        c.cache().invalidate(key(ctx));
        ctx.status(204);
    }

    private void invalidate(Context ctx) {
        ServerCache c = cache(ctx);
        InvalidateBody body = JsonBodies.read(ctx, InvalidateBody.class, bodyLimit);
        List<String> keys = body.keys() == null ? List.of() : body.keys();
        List<String> tags = body.tags() == null ? List.of() : body.tags();
        boolean all = Boolean.TRUE.equals(body.all());
        if (all && (!keys.isEmpty() || !tags.isEmpty())) {
            throw ApiException.validation("invalid invalidation", List.of(new FieldError("all",
                    "true removes every entry, so it cannot be combined with keys or tags")));
        }
        if (!all && keys.isEmpty() && tags.isEmpty()) {
            throw ApiException.validation("invalid invalidation", List.of(new FieldError("(body)",
                    "name keys, tags, or all: true, e.g. {\"tags\": [\"promo\"]}")));
        }
        for (String field : List.of("keys", "tags")) {
            List<String> values = field.equals("keys") ? keys : tags;
            if (values.size() > MAX_INVALIDATE) {
                throw ApiException.validation("invalid invalidation", List.of(new FieldError(field,
                        "at most " + MAX_INVALIDATE + " per request but there were " + values.size())));
            }
            for (int i = 0; i < values.size(); i++) {
                String v = values.get(i);
                String problem = field.equals("keys") ? keyProblem(v) : tagProblem(v);
                if (problem != null) {
                    throw ApiException.validation("invalid invalidation", List.of(new FieldError(field + "[" + i + "]",
                            problem)));
                }
            }
        }
        if (all) {
            c.cache().invalidateAll();
        } else {
            keys.forEach(c.cache()::invalidate);
            tags.forEach(c.cache()::invalidateTag);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("cache", c.name());
        out.put("keys", keys.size());
        out.put("tags", tags.size());
        out.put("all", all);
        ctx.json(out);
    }

    private void warm(Context ctx) {
        ServerCache c = cache(ctx);
        if (!c.warmable()) {
            throw ApiException.conflict("cache " + c.name() + " has no warm-up source: set cache." + c.name()
                    + ".warmUrl to an http(s) URL that answers a JSON object of key to value (see docs/cache.md)");
        }
        Warming w = c.warm();
        ctx.status(202).json(CacheViews.progress(w.progress()));
    }

    private ServerCache cache(Context ctx) {
        String name = ctx.pathParam("name");
        return caches.cache(name).orElseThrow(() -> ApiException.notFound("no cache named '" + name + "'; declared: "
                + caches.caches().stream().map(ServerCache::name).toList() + " (see GET /api/v1/caches)"));
    }

    private static String key(Context ctx) {
        String key = ctx.pathParam("key");
        String problem = keyProblem(key);
        if (problem != null) {
            throw ApiException.validation("invalid key", List.of(new FieldError("key", problem)));
        }
        return key;
    }

    /** What is wrong with {@code key}, or null. */
    static String keyProblem(String key) {
        if (key == null || key.isEmpty() || key.length() > MAX_KEY || key.chars().anyMatch(ch -> ch < ' ' || ch == 0x7f)) {
            return "must be 1-" + MAX_KEY + " characters without control characters but was "
                    + (key == null ? "null" : key.length() > MAX_KEY ? key.length() + " characters long" : "'" + key + "'");
        }
        return null;
    }

    private static String tagProblem(String tag) {
        try {
            CacheConfig.requireValidTag(tag);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage().replaceFirst("^a tag ", "");
        }
    }

    private static Duration ttl(String text, Duration otherwise) {
        if (text == null || text.isBlank()) {
            return otherwise;
        }
        try {
            Duration d = Durations.parse(text.strip());
            if (!d.isNegative() && !d.isZero()) {
                return d;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw ApiException.validation("invalid query parameter", List.of(new FieldError("ttl",
                "must be a positive duration such as 30s, 5m or 1h but was '" + text + "'")));
    }

    private static Set<String> tags(String text) {
        if (text == null || text.isBlank()) {
            return Set.of();
        }
        Set<String> tags = new LinkedHashSet<>();
        for (String part : text.split(",", -1)) {
            String problem = tagProblem(part.strip());
            if (problem != null) {
                throw ApiException.validation("invalid query parameter", List.of(new FieldError("tags", problem)));
            }
            tags.add(part.strip());
        }
        return tags;
    }
}
