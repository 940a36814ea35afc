package io.bulwark.server.internal.ratelimit;

import io.bulwark.ratelimit.LimitUsage;
import io.bulwark.ratelimit.RateLimiter;
import io.bulwark.ratelimit.Usage;
import io.bulwark.server.auth.Role;
import io.bulwark.server.http.ApiException;
import io.bulwark.server.http.ApiRoutes;
import io.bulwark.server.http.JsonBodies;
import io.bulwark.server.http.RouteDoc;
import io.javalin.http.Context;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /api/v1/rate-limits}: the endpoint limits (viewers read, admins change) and the
 * current usage of one key.
 */
public final class RateLimitRoutes {

    /** The body of {@code PUT /api/v1/rate-limits}: endpoint limits to create or change, by name. */
    public record PutBody(Map<String, EndpointSpec> endpoints) {
    }

    private final RateLimitRuntime runtime;
    private final long bodyLimit;

    /** Routes over {@code runtime}, reading PUT bodies of at most {@code bodyLimit} bytes. */
    public RateLimitRoutes(RateLimitRuntime runtime, long bodyLimit) {
        this.runtime = runtime;
        this.bodyLimit = bodyLimit;
    }

    /** Registers the three routes with their roles. */
    public void register(ApiRoutes routes) {
        routes.get("/api/v1/rate-limits", this::list, Role.VIEWER,
                RouteDoc.of("Endpoint rate limits, trusted proxies and header style")
                .answers(200, "`{\"endpoints\":[{\"name\",\"route\",\"limits\",\"algorithm\",\"key\",\"bypass\",\"source\","
                        + "\"trackedKeys\"}],\"trustedProxies\",\"ietfHeaders\"}`"));
        routes.put("/api/v1/rate-limits", this::put, Role.ADMIN, RouteDoc.of("Create or change endpoint rate limits")
                .body(PutBody.class)
                .describe("Absent fields are kept. All are validated first: on a 400 (naming `endpoints.NAME.field`) "
                        + "nothing is applied. Persisted (see docs/rate-limiting.md).")
                .answers(200, "the rate limits, as `GET /api/v1/rate-limits`"));
        routes.get("/api/v1/rate-limits/{name}/keys/{key}", this::usage, Role.VIEWER,
                RouteDoc.of("One key's usage of a rate limit")
                .path("name", "the endpoint limit's name")
                .path("key", "the key the limit counts by: a client address, an API key id, ...")
                .answers(200, "`{\"name\",\"key\",\"limits\":[{\"limit\",\"algorithm\",\"permits\",\"used\",\"remaining\","
                        + "\"resetAfterMillis\"}]}`")
                .errors(404));
    }

    private void list(Context ctx) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (EndpointLimit e : runtime.all()) {
            EndpointSpec spec = EndpointSpec.of(e);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", e.name());
            m.put("route", spec.route());
            m.put("limits", spec.limits());
            m.put("algorithm", spec.algorithm());
            m.put("key", spec.key());
            m.put("bypass", spec.bypass() == null ? "" : spec.bypass());
            m.put("source", runtime.source(e.name()));
            m.put("trackedKeys", runtime.limiter(e.name()).map(RateLimiter::trackedKeys).orElse(0L));
            out.add(m);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("endpoints", out);
        body.put("trustedProxies", runtime.proxies().toString());
        body.put("ietfHeaders", runtime.ietfHeaders());
        ctx.json(body);
    }

    private void put(Context ctx) {
        PutBody body = JsonBodies.read(ctx, PutBody.class, bodyLimit);
        if (body == null || body.endpoints() == null) {
            throw ApiException.validation("invalid rate limits; nothing was changed",
                    List.of(new io.bulwark.server.http.FieldError("endpoints", "is required: an object of endpoint limits by name")));
        }
        runtime.apply(body.endpoints());
        list(ctx);
    }

    private void usage(Context ctx) {
        String name = ctx.pathParam("name");
        RateLimiter limiter = runtime.limiter(name).orElseThrow(() -> ApiException.notFound("no rate limit named '" + name
                + "'; known: " + runtime.all().stream().map(EndpointLimit::name).toList()));
        String key = ctx.pathParam("key");
        Usage usage = limiter.usage(key);
        List<Map<String, Object>> limits = new ArrayList<>();
        for (LimitUsage u : usage.limits()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("limit", u.limit().spec());
            m.put("algorithm", u.limit().algorithm().id());
            m.put("permits", u.limit().permits());
            m.put("used", u.used());
            m.put("remaining", u.remaining());
            m.put("resetAfterMillis", u.resetAfter().toMillis());
            limits.add(m);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("key", key);
        body.put("limits", limits);
        ctx.json(body);
    }
}
