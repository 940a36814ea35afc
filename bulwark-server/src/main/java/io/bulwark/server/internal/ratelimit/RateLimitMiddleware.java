package io.bulwark.server.internal.ratelimit;

import io.bulwark.ratelimit.Decision;
import io.bulwark.ratelimit.Limit;
import io.bulwark.ratelimit.LimitUsage;
import io.bulwark.ratelimit.RateLimiter;
import io.bulwark.server.auth.Role;
import io.bulwark.server.http.ApiException;
import io.bulwark.server.internal.http.Authenticator;
import io.javalin.http.Context;
import io.javalin.router.Endpoint;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * Rate limiting of Bulwark's own API routes, as two handlers.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li>{@link #limit} runs as a {@code beforeMatched} handler registered after the
 *       authenticator, so it knows the verified API key and role: limits count per verified
 *       key id (never per a key id someone merely claims) and the admin role can bypass.</li>
 *   <li>It sets {@code X-RateLimit-*} before the route runs, so they ride on every response,
 *       errors included; a rejection is an {@link ApiException} 429 with {@code Retry-After}.</li>
 *   <li>{@link #fillIn} runs {@code after} everything: when a limited route failed before the
 *       limiter ran (a 401 from the authenticator, say), it adds the headers from the key's
 *       current usage, read without consuming.</li>
 *   <li>A pacing limit's delay is waited out on the request's (virtual) thread.</li>
 * </ul>
 */
public final class RateLimitMiddleware {

    private static final String APPLIED = "bulwark.ratelimit.applied";

    private final RateLimitRuntime runtime;

    /** Middleware over the endpoint limits of {@code runtime}. */
    public RateLimitMiddleware(RateLimitRuntime runtime) {
        this.runtime = runtime;
    }

    /** The {@code beforeMatched} handler: decides, sets headers, rejects with 429 or waits a pacing delay. */
    public void limit(Context ctx) throws InterruptedException {
        Optional<EndpointLimit> matched = matched(ctx);
        if (matched.isEmpty()) {
            return;
        }
        EndpointLimit e = matched.get();
        ctx.attribute(APPLIED, Boolean.TRUE);
        if (bypassed(ctx, e)) {
            return;
        }
        Optional<RateLimiter> limiter = runtime.limiter(e.name());
        if (limiter.isEmpty()) {
            return;
        }
        String key = key(ctx, e);
        Decision d = limiter.get().tryAcquire(key);
        headers(ctx, e, d.closest(), d.remaining(), d.resetAfter());
        if (!d.allowed()) {
            throw ApiException.tooManyRequests("rate limit '" + e.name() + "' exceeded for " + describe(e, key) + ": "
                    + d.closest().spec() + " (" + d.closest().algorithm().id() + "); retry after "
                    + d.retryAfterSeconds() + "s", d.retryAfter());
        }
        if (d.delayed()) {
            Thread.sleep(d.delay());
        }
    }

    /** The {@code after} handler: headers for a limited route whose request never reached {@link #limit}. */
    public void fillIn(Context ctx) {
        if (ctx.attribute(APPLIED) != null || ctx.res().containsHeader("X-RateLimit-Limit")) {
            return;
        }
        Optional<EndpointLimit> matched = matched(ctx);
        if (matched.isEmpty() || bypassed(ctx, matched.get())) {
            return;
        }
        EndpointLimit e = matched.get();
        runtime.limiter(e.name()).ifPresent(limiter -> {
            List<LimitUsage> usage = limiter.usage(key(ctx, e)).limits();
            LimitUsage closest = usage.getFirst();
            for (LimitUsage u : usage) {
                if ((double) u.remaining() / u.limit().capacity() < (double) closest.remaining() / closest.limit().capacity()) {
                    closest = u;
                }
            }
            headers(ctx, e, closest.limit(), closest.remaining(), closest.resetAfter());
        });
    }

    private Optional<EndpointLimit> matched(Context ctx) {
        Endpoint endpoint;
        try {
            endpoint = ctx.endpoints().matchedHttpEndpoint();
        } catch (RuntimeException notMatched) {
            return Optional.empty();
        }
        if (endpoint == null) {
            return Optional.empty();
        }
        return runtime.match(endpoint.method.name(), endpoint.path);
    }

    private static boolean bypassed(Context ctx, EndpointLimit e) {
        Role role = ctx.attribute(Authenticator.ROLE);
        String keyId = ctx.attribute(Authenticator.KEY_ID);
        return (e.bypassAdmin() && role == Role.ADMIN) || (keyId != null && e.bypassKeys().contains(keyId));
    }

    private String key(Context ctx, EndpointLimit e) {
        return switch (e.key()) {
            case KeySource.ApiKey k -> {
                String id = ctx.attribute(Authenticator.KEY_ID);
                yield id != null ? "key:" + id : "ip:" + clientIp(ctx);
            }
            case KeySource.Ip ip -> "ip:" + clientIp(ctx);
            case KeySource.Header h -> {
                String v = ctx.header(h.name());
                yield v != null && !v.isBlank() ? "header:" + v.trim() : "ip:" + clientIp(ctx);
            }
        };
    }

    private String clientIp(Context ctx) {
        return runtime.proxies().clientIp(ctx.req().getRemoteAddr(), ctx.header("X-Forwarded-For"));
    }

    private static String describe(EndpointLimit e, String key) {
        return key.startsWith("key:") ? "API key " + key.substring(4)
                : key.startsWith("ip:") ? "client " + key.substring(3)
                : e.key().spec() + " '" + key.substring(key.indexOf(':') + 1) + "'";
    }

    private void headers(Context ctx, EndpointLimit e, Limit closest, long remaining, Duration reset) {
        long resetSeconds = ceilSeconds(reset);
        ctx.header("X-RateLimit-Limit", Long.toString(closest.permits()));
        ctx.header("X-RateLimit-Remaining", Long.toString(remaining));
        ctx.header("X-RateLimit-Reset", Long.toString(resetSeconds));
        if (runtime.ietfHeaders()) {
            List<Limit> limits = e.config().limits();
            StringJoiner policy = new StringJoiner(", ");
            for (int i = 0; i < limits.size(); i++) {
                policy.add("\"" + e.name() + "-" + i + "\";q=" + limits.get(i).permits() + ";w="
                        + Math.max(1, ceilSeconds(limits.get(i).window())));
            }
            ctx.header("RateLimit-Policy", policy.toString());
            ctx.header("RateLimit", "\"" + e.name() + "-" + Math.max(0, limits.indexOf(closest)) + "\";r=" + remaining
                    + ";t=" + resetSeconds);
        }
    }

    private static long ceilSeconds(Duration d) {
        return d.getSeconds() + (d.getNano() > 0 ? 1 : 0);
    }
}
