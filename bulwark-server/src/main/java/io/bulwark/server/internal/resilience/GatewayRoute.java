package io.bulwark.server.internal.resilience;

import io.bulwark.providers.ProviderGroup;
import io.bulwark.providers.ProviderGroupException;
import io.bulwark.providers.ProviderRequest;
import io.bulwark.providers.ProviderResponse;
import io.bulwark.server.auth.Role;
import io.bulwark.server.http.ApiException;
import io.bulwark.server.http.ApiRoutes;
import io.bulwark.server.http.FieldError;
import io.bulwark.server.http.JsonBodies;
import io.bulwark.server.http.RouteDoc;
import io.javalin.http.Context;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * {@code POST /api/v1/providers/{group}/call}: the provider gateway. Forwards the body and the
 * caller's headers (not Bulwark's own credentials) to the provider the group chooses, through
 * its policies and degradation, and answers with the provider's status, body and content type,
 * plus headers naming the provider and whether the answer is degraded.
 *
 * <p>Pass-through: {@code GET|POST|PUT|PATCH|DELETE /api/v1/providers/{group}/call/<path>?<query>}
 * forwards the method, the path after {@code /call} (as the client sent it, still encoded) and the
 * query string to the provider's base URL, so a client that takes a base URL (an OpenAI SDK:
 * {@code .../api/v1/providers/llm/call/v1}) works through the gateway unchanged.
 *
 * <ul>
 *   <li>{@code ?path=/v1/chat/completions} is appended to the provider's base URL (it may not
 *       leave it: no {@code ..}, no host).</li>
 *   <li>{@code X-Bulwark-Cost} is what the call costs against providers' cost limits (default 1);
 *       a provider over its limits is skipped, and when all are, the answer is 429 with
 *       {@code Retry-After}.</li>
 *   <li>{@code X-Bulwark-Retry-Max-Attempts: N} makes at most N attempts per provider for this
 *       call; N above a provider's retry {@code maxAttempts} is clamped to it, N below 1 or not a
 *       whole number is a 400 problem naming the header. The retry budget applies as usual.</li>
 *   <li>{@code X-Bulwark-Cache-Key} names the request for the cache degradation action; without
 *       it the key is a hash of method, path and body.</li>
 *   <li>The answer carries {@code X-Bulwark-Provider}, {@code X-Bulwark-Source} (primary,
 *       fallback, cache, default), {@code X-Bulwark-Degraded} (true/false), and when degraded
 *       {@code X-Bulwark-Degraded-Reason} and {@code X-Bulwark-Reduced-Mode}.</li>
 *   <li>When nothing could answer: 503 problem {@code provider-unavailable} naming each provider
 *       tried and what happened.</li>
 * </ul>
 */
public final class GatewayRoute {

    /** Request headers never forwarded: Bulwark's credentials, hop-by-hop, and Bulwark's own. */
    private static final Set<String> DROPPED = Set.of("authorization", "cookie", "host", "content-length", "connection",
            "keep-alive", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "expect",
            "accept-encoding");
    /** Provider response headers passed back to the caller, and the prefixes of families of them. */
    private static final Set<String> PASSED_BACK = Set.of("content-type", "retry-after", "x-request-id", "cache-control",
            "etag", "last-modified", "location");
    private static final List<String> PASSED_BACK_PREFIXES = List.of("x-ratelimit-", "openai-", "anthropic-");
    private static final int MAX_REASON_HEADER = 500;
    /** The request header that lowers a call's retry attempts. */
    static final String RETRY_MAX_ATTEMPTS = "X-Bulwark-Retry-Max-Attempts";

    private final ResilienceRuntime runtime;
    private final long bodyLimit;
    private final GatewayQueue queue;
    private final StreamRelay relay;
    private final java.util.function.Supplier<AsyncGateway> async;
    /** The response cache of each group that has one ({@code gateway.responseCache.<group>.*}). */
    private final Map<String, GatewayResponseCache> responseCaches;

    /**
     * The gateway over {@code runtime}'s groups, forwarding bodies of at most {@code bodyLimit} bytes,
     * handing calls that ask {@code Prefer: respond-async} to {@code async} (null when there is none).
     */
    GatewayRoute(ResilienceRuntime runtime, long bodyLimit, GatewayQueue queue,
                 java.util.function.Supplier<AsyncGateway> async, Map<String, GatewayResponseCache> responseCaches) {
        this.responseCaches = responseCaches;
        this.runtime = runtime;
        this.bodyLimit = bodyLimit;
        this.queue = queue;
        this.relay = new StreamRelay(runtime.meters());
        this.async = async;
    }

    public void register(ApiRoutes routes) {
        String passPath = "/api/v1/providers/{group}/call/<path>";
        java.util.function.Function<String, RouteDoc> pass = method -> RouteDoc.of(method + " through the gateway to a path "
                        + "of the provider")
                .path("group", "the provider group's name")
                .path("path", "the path after `/call`, appended to the provider's base URL with the query string as sent "
                        + "(it may not leave the base URL: see Gateway paths in docs/api.md)")
                .header("X-Bulwark-Cost", Long.class, "what the call costs against providers' cost limits (default 1)")
                .header(RETRY_MAX_ATTEMPTS, Integer.class, "at most this many attempts per provider for this call")
                .header(GatewayQueue.PRIORITY, Integer.class, "the call's priority in the group's queue: 0 (highest) to 9")
                .header(GatewayQueue.TIMEOUT, String.class, "the longest the call waits in the queue, e.g. `5s`")
                .body(RouteDoc.Body.of(Object.class, "forwarded as sent").optional().media("*/*"))
                .describe("As `POST /api/v1/providers/{group}/call`, with the caller's method, path and query string.")
                .answers(200, "*/*", "the provider's answer, with its status, body and content type")
                .errors(400, 404, 429, 503)
                .passesQueryOn();
        routes.get(passPath, this::call, Role.OPERATOR, pass.apply("GET"));
        routes.post(passPath, this::call, Role.OPERATOR, pass.apply("POST"));
        routes.put(passPath, this::call, Role.OPERATOR, pass.apply("PUT"));
        routes.patch(passPath, this::call, Role.OPERATOR, pass.apply("PATCH"));
        routes.delete(passPath, this::call, Role.OPERATOR, pass.apply("DELETE"));
        routes.post("/api/v1/providers/{group}/call", this::call, Role.OPERATOR,
                RouteDoc.of("Call a provider group: the gateway")
                .path("group", "the provider group's name")
                .query("path", String.class, "appended to the provider's base URL, e.g. `/v1/chat/completions`; it may "
                        + "not leave it (see Gateway paths in docs/api.md)")
                .header("X-Bulwark-Cost", Long.class, "what the call costs against providers' cost limits (default 1)")
                .header(RETRY_MAX_ATTEMPTS, Integer.class, "at most this many attempts per provider for this call "
                        + "(clamped to the provider's retry `maxAttempts`)")
                .header("X-Bulwark-Cache-Key", String.class, "names the request for the cache degradation action")
                .header(GatewayQueue.PRIORITY, Integer.class, "the call's place in the group's queue when no provider "
                        + "can take it now: 0 (highest) to 9 (lowest); default per API key or role, else 5")
                .header(GatewayQueue.TIMEOUT, String.class, "the longest the call waits in the queue, e.g. `5s` "
                        + "(clamped to the group's `queue.maxWait`; `0` never waits)")
                .body(RouteDoc.Body.of(Object.class, "forwarded to the provider as sent, with the caller's headers but "
                        + "`Authorization` and cookies").optional().media("*/*"))
                .describe("Through the group's policies and degradation. The answer is the provider's, plus "
                        + "`X-Bulwark-Provider`, `X-Bulwark-Source` (primary, fallback, cache, default), "
                        + "`X-Bulwark-Degraded`, and when degraded `X-Bulwark-Degraded-Reason` and "
                        + "`X-Bulwark-Reduced-Mode`; `X-Bulwark-Queue-Wait` (ms) when the call waited in the queue. "
                        + "When no provider can take the call now it waits in the group's queue by priority; a full "
                        + "queue or a wait that runs out is a 429 (`queue-full`, `queue-timeout`) with `Retry-After`.")
                .answers(200, "*/*", "the provider's answer, with its status, body and content type")
                .errors(404, 429, 503));
    }

    private void call(Context ctx) throws InterruptedException {
        ProviderGroup group = ProviderRoutes.group(runtime, ctx);
        String path = ctx.pathParamMap().containsKey("path") ? passThroughPath(ctx)
                : Optional.ofNullable(ctx.queryParam("path")).orElse("");
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String h : ctx.req().getHeaderNames() == null ? List.<String>of()
                : java.util.Collections.list(ctx.req().getHeaderNames())) {
            String lower = h.toLowerCase(Locale.ROOT);
            if (!DROPPED.contains(lower) && !lower.startsWith("x-bulwark-")) {
                headers.put(h, java.util.Collections.list(ctx.req().getHeaders(h)));
            }
        }
        ProviderRequest request;
        try {
            request = new ProviderRequest(ctx.method().name(), path, headers, JsonBodies.readBounded(ctx, bodyLimit),
                    Optional.ofNullable(ctx.header("X-Bulwark-Cache-Key")), cost(ctx.header("X-Bulwark-Cost")),
                    maxAttempts(ctx.header(RETRY_MAX_ATTEMPTS), group)).withStreaming();
        } catch (IllegalArgumentException e) {
            throw ApiException.validation("invalid provider call", List.of(new FieldError("path", e.getMessage())));
        }
        if (respondAsync(ctx.header("Prefer"))) {
            callLater(ctx, group, request);
            return;
        }
        GatewayResponseCache cache = responseCaches.get(group.name());
        GatewayResponseCache.Lookup lookup = cache == null ? null
                : cache.lookup(request, java.util.Collections.list(ctx.req().getHeaders("Cache-Control")));
        if (lookup instanceof GatewayResponseCache.Hit hit) {
            passedBack(hit.response().headers()).forEach(ctx::header);
            ctx.header("Age", Long.toString(hit.age().getSeconds()));
            ctx.header("X-Bulwark-Cache", "hit");
            ctx.header("X-Bulwark-Provider", hit.response().provider());
            ctx.header("X-Bulwark-Source", "cache");
            ctx.header("X-Bulwark-Degraded", "false");
            ctx.status(hit.response().status()).result(hit.response().body());
            return;
        }
        if (lookup instanceof GatewayResponseCache.NotCached) {
            throw new ApiException(504, "not-cached", "No kept answer fits the call",
                    "the call asked Cache-Control: only-if-cached and group '" + group.name() + "' keeps no fresh enough "
                            + "answer to it", null, Map.of("X-Bulwark-Cache", "miss"));
        }
        java.util.concurrent.atomic.AtomicLong waitedMs = new java.util.concurrent.atomic.AtomicLong(-1);
        ProviderResponse answer;
        try (GatewayQueue.Caller caller = GatewayQueue.Caller.of(ctx)) {
            answer = group.call(request, queue.admission(ctx, group, w -> waitedMs.set(w.toMillis()), caller));
        } catch (io.bulwark.providers.queue.QueueRefusedException e) {
            throw GatewayQueue.refused(e);
        } catch (ProviderGroupException e) {
            if (e.retryAfter().isPresent()) {
                throw ApiException.tooManyRequests(e.getMessage(), e.retryAfter().get());
            }
            throw new ApiException(503, "provider-unavailable", "No provider could answer", e.getMessage(), null,
                    Map.of("X-Bulwark-Degraded", "true"));
        }
        passedBack(answer.headers()).forEach(ctx::header);
        if (lookup instanceof GatewayResponseCache.Miss miss) {
            cache.store(miss, answer);
            ctx.header("X-Bulwark-Cache", "miss");
        } else if (lookup instanceof GatewayResponseCache.Bypass) {
            ctx.header("X-Bulwark-Cache", "bypass");
        }
        if (waitedMs.get() >= 0) {
            ctx.header(GatewayQueue.WAITED, Long.toString(waitedMs.get()));
        }
        ctx.header("X-Bulwark-Provider", answer.provider());
        ctx.header("X-Bulwark-Source", answer.source().name().toLowerCase(Locale.ROOT));
        ctx.header("X-Bulwark-Degraded", Boolean.toString(answer.degraded()));
        if (answer.degraded()) {
            ctx.header("X-Bulwark-Degraded-Reason", headerSafe(answer.degradedReason()));
            ctx.header("X-Bulwark-Reduced-Mode", Boolean.toString(answer.reducedMode()));
        }
        if (answer.streamed()) {
            relay.relay(ctx, group.name(), answer, group.providers().stream()
                    .filter(p -> p.name().equals(answer.provider())).findFirst());
            return;
        }
        ctx.status(answer.status()).result(answer.body());
    }

    /**
     * The provider answer's headers the gateway passes back to its caller (content type,
     * {@code Retry-After}, request ids, caching, rate-limit families), first value of each.
     */
    public static Map<String, String> passedBack(Map<String, List<String>> headers) {
        Map<String, String> out = new LinkedHashMap<>();
        headers.forEach((h, values) -> {
            String lower = h.toLowerCase(Locale.ROOT);
            if ((PASSED_BACK.contains(lower) || PASSED_BACK_PREFIXES.stream().anyMatch(lower::startsWith))
                    && !values.isEmpty()) {
                out.put(h, values.get(0));
            }
        });
        return out;
    }

    /** True when a {@code Prefer} header asks {@code respond-async} (RFC 7240), among other preferences. */
    static boolean respondAsync(String prefer) {
        if (prefer == null) {
            return false;
        }
        for (String part : prefer.split(",")) {
            String token = part.split("[;=]", 2)[0].strip();
            if (token.equalsIgnoreCase("respond-async")) {
                return true;
            }
        }
        return false;
    }

    /** Answers 202 at once and leaves the call to the async calls' job; see docs/providers.md#async-calls. */
    private void callLater(Context ctx, ProviderGroup group, ProviderRequest request) {
        AsyncGateway gateway = async == null ? null : async.get();
        if (gateway == null) {
            throw ApiException.validation("invalid provider call", List.of(new FieldError("Prefer",
                    "asks respond-async, but async calls run as jobs and this server runs no job engine; "
                            + "send the call without it")));
        }
        List<FieldError> errors = new java.util.ArrayList<>();
        int priority = queue.priority(ctx, errors);
        if (!errors.isEmpty()) {
            throw ApiException.validation("invalid provider call", errors);
        }
        String caller = Optional.ofNullable(ctx.<String>attribute(io.bulwark.server.internal.http.Authenticator.KEY_ID))
                .orElse("anonymous");
        Map<String, List<String>> headers = new LinkedHashMap<>(request.headers());
        headers.keySet().removeIf(h -> h.equalsIgnoreCase("Prefer")); // the gateway's preference, not the provider's
        request = new ProviderRequest(request.method(), request.path(), headers, request.body(), request.cacheKey(),
                request.cost(), request.maxAttempts());
        Map<String, Object> call = gateway.submit(group, request, priority, caller,
                ctx.header("X-Bulwark-Callback"));
        ctx.status(202).header("Location", (String) call.get("location")).header("Preference-Applied", "respond-async")
                .json(call);
    }

    /**
     * The path after {@code /call} and the query string, as the client sent them (still
     * percent-encoded, so that {@link ProviderRequest#checkPath} judges what the provider will get).
     */
    private static String passThroughPath(Context ctx) {
        String raw = ctx.req().getRequestURI();
        String prefix = "/api/v1/providers/";
        int groupEnd = raw.indexOf('/', prefix.length());
        String rest = raw.substring(groupEnd + "/call".length());
        String query = ctx.req().getQueryString();
        return query == null || query.isEmpty() ? rest : rest + "?" + query;
    }

    /** {@code X-Bulwark-Cost}: what the call costs against cost limits (default 1). */
    private static long cost(String header) {
        if (header == null || header.isBlank()) {
            return 1;
        }
        try {
            long cost = Long.parseLong(header.trim());
            if (cost >= 1) {
                return cost;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ApiException.validation("invalid provider call", List.of(new FieldError("X-Bulwark-Cost",
                "must be a whole number >= 1 but was '" + header + "'")));
    }

    /**
     * {@code X-Bulwark-Retry-Max-Attempts}: at most this many attempts per provider for this call.
     * It can lower the group's retries, never raise them: each provider makes at most its own
     * retry config's {@code maxAttempts}, so a larger number is clamped rather than refused (a
     * caller need not know the config to ask for "no more than 2"). Absent: as configured.
     */
    private static OptionalInt maxAttempts(String header, ProviderGroup group) {
        if (header == null) {
            return OptionalInt.empty();
        }
        try {
            long n = Long.parseLong(header.trim());
            if (n >= 1) {
                return OptionalInt.of((int) Math.min(n, Integer.MAX_VALUE));
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        int configured = group.providers().stream().mapToInt(p -> p.retry().config().maxAttempts()).max().orElse(1);
        throw ApiException.validation("invalid provider call", List.of(new FieldError(RETRY_MAX_ATTEMPTS,
                "must be a whole number >= 1 but was '" + header + "'; the retry configs of group '" + group.name()
                        + "' allow 1 to " + configured + " attempts, and a larger number is clamped to that")));
    }

    /** A reason as a header value: printable ASCII only, and not too long. */
    static String headerSafe(String text) {
        StringBuilder sb = new StringBuilder(Math.min(text.length(), MAX_REASON_HEADER));
        for (int i = 0; i < text.length() && sb.length() < MAX_REASON_HEADER; i++) {
            char c = text.charAt(i);
            sb.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return sb.toString();
    }
}
