package io.bulwark.server.internal.resilience;

import io.bulwark.core.validation.ValidationException;
import io.bulwark.providers.Provider;
import io.bulwark.providers.ProviderGroup;
import io.bulwark.providers.RetrySpec;
import io.bulwark.resilience.breaker.CircuitBreaker;
import io.bulwark.server.auth.Role;
import io.bulwark.server.http.ApiException;
import io.bulwark.server.http.ApiRoutes;
import io.bulwark.server.http.FieldError;
import io.bulwark.server.http.JsonBodies;
import io.bulwark.server.http.Page;
import io.bulwark.server.http.RouteDoc;
import io.javalin.http.Context;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code /api/v1/circuit-breakers} (state, metrics, history; open, close, reset),
 * {@code /api/v1/retry-configs} (read, replace) and {@code /api/v1/degradation} (state,
 * history; manual enter and exit).
 */
public final class ResilienceRoutes {

    /** The body of {@code PUT /api/v1/retry-configs}. */
    public record RetryConfigsBody(Map<String, RetrySpec> retryConfigs) {
    }

    /** The body of {@code POST /api/v1/degradation/{group}/enter}. */
    public record EnterBody(String reason) {
    }

    /** The longest manual degradation reason: it is shown in views, headers and logs. */
    static final int MAX_REASON = 500;

    /** How the docs describe the path parameters. */
    private static final String BREAKER = "the breaker's name: its provider's";
    private static final String GROUP = "the provider group's name";

    private final ResilienceRuntime runtime;
    private final long bodyLimit;

    public ResilienceRoutes(ResilienceRuntime runtime, long bodyLimit) {
        this.runtime = runtime;
        this.bodyLimit = bodyLimit;
    }

    public void register(ApiRoutes routes) {
        routes.get("/api/v1/circuit-breakers", this::breakers, Role.VIEWER,
                RouteDoc.of("Every circuit breaker: state, rates, window and last transitions")
                .answers(200, "`{\"circuitBreakers\":[...]}`"));
        routes.get("/api/v1/circuit-breakers/{name}", this::breaker, Role.VIEWER,
                RouteDoc.of("One circuit breaker with its transition history")
                .path("name", BREAKER)
                .query("limit", Integer.class, "transitions at most, 1 to 500 (default 200)")
                .describe("The history (time, from, to, reason, failure rate) is kept across restarts.")
                .errors(400, 404));
        routes.post("/api/v1/circuit-breakers/{name}/open", ctx -> change(ctx, CircuitBreaker::forceOpen), Role.OPERATOR,
                RouteDoc.of("Force a circuit breaker open: no call passes")
                .path("name", BREAKER)
                .answers(200, "the breaker")
                .errors(404));
        routes.post("/api/v1/circuit-breakers/{name}/close", ctx -> change(ctx, CircuitBreaker::forceClose),
                Role.OPERATOR, RouteDoc.of("Force a circuit breaker closed: calls pass unjudged")
                .path("name", BREAKER)
                .answers(200, "the breaker")
                .errors(404));
        routes.post("/api/v1/circuit-breakers/{name}/reset", ctx -> change(ctx, CircuitBreaker::reset), Role.OPERATOR,
                RouteDoc.of("Reset a circuit breaker to CLOSED with an empty window")
                .path("name", BREAKER)
                .answers(200, "the breaker")
                .errors(404));
        routes.get("/api/v1/retry-configs", this::retryConfigs, Role.VIEWER,
                RouteDoc.of("Every retry config; `default` is always there")
                .answers(200, "`{\"retryConfigs\":{name:{maxAttempts,baseDelay,factor,maxDelay,...}}}`"));
        routes.put("/api/v1/retry-configs", this::putRetryConfigs, Role.ADMIN, RouteDoc.of("Replace every retry config")
                .body(RetryConfigsBody.class)
                .describe("A 400 when one is invalid or a provider names one that would be gone. Kept across restarts.")
                .answers(200, "`{\"retryConfigs\":{...}}`"));
        routes.get("/api/v1/degradation", this::degradation, Role.VIEWER,
                RouteDoc.of("Every group's degradation: state, reason, findings and recent episodes")
                .answers(200, "`{\"groups\":[...]}`"));
        routes.get("/api/v1/degradation/{group}", this::groupDegradation, Role.VIEWER,
                RouteDoc.of("One group's degradation with its episode history")
                .path("group", GROUP)
                .query("limit", Integer.class, "episodes at most, 1 to 500 (default 100)")
                .errors(400, 404));
        routes.post("/api/v1/degradation/{group}/enter", this::enter, Role.OPERATOR,
                RouteDoc.of("Switch a group's degradation on until exit")
                .path("group", GROUP)
                .optionalBody(EnterBody.class)
                .describe("`reason` is at most 500 characters.")
                .answers(200, "the group's degradation")
                .errors(404));
        routes.post("/api/v1/degradation/{group}/exit", this::exit, Role.OPERATOR,
                RouteDoc.of("Switch a group's manual degradation off")
                .path("group", GROUP)
                .describe("Its triggers are evaluated at once.")
                .answers(200, "the group's degradation")
                .errors(404));
    }

    private void breakers(Context ctx) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (ProviderGroup g : runtime.providers().groups().values()) {
            for (Provider p : g.providers()) {
                out.add(ProviderViews.breaker(p.breaker(), g.name(), 5));
            }
        }
        ctx.json(Map.of("circuitBreakers", out));
    }

    private void breaker(Context ctx) {
        Found f = find(ctx);
        ctx.json(ProviderViews.breaker(f.provider().breaker(), f.group(), Page.limit(ctx.queryParam("limit"), 200)));
    }

    private void change(Context ctx, java.util.function.Consumer<CircuitBreaker> action) {
        Found f = find(ctx);
        action.accept(f.provider().breaker());
        ctx.json(ProviderViews.breaker(f.provider().breaker(), f.group(), 5));
    }

    private record Found(String group, Provider provider) {
    }

    private Found find(Context ctx) {
        String name = ctx.pathParam("name");
        for (ProviderGroup g : runtime.providers().groups().values()) {
            for (Provider p : g.providers()) {
                if (p.name().equals(name)) {
                    return new Found(g.name(), p);
                }
            }
        }
        throw ApiException.notFound("no circuit breaker is named '" + name + "'; breakers are named after providers: "
                + runtime.providers().providers().keySet());
    }

    private void retryConfigs(Context ctx) {
        // The configs in force, "default" among them (Providers always has it).
        Map<String, RetrySpec> all = new java.util.TreeMap<>();
        runtime.providers().retryConfigs().forEach((name, settings) -> all.put(name, settings.spec()));
        ctx.json(Map.of("retryConfigs", all));
    }

    private void putRetryConfigs(Context ctx) {
        RetryConfigsBody body = JsonBodies.read(ctx, RetryConfigsBody.class, bodyLimit);
        if (body.retryConfigs() == null) {
            throw ApiException.validation("invalid retry configs", List.of(new FieldError("retryConfigs",
                    "is required: an object of retry configs by name")));
        }
        try {
            runtime.putRetries(body.retryConfigs());
        } catch (ValidationException e) {
            throw ApiException.validation(e);
        }
        retryConfigs(ctx);
    }

    private void degradation(Context ctx) {
        ctx.json(Map.of("groups", runtime.providers().groups().values().stream()
                .map(g -> ProviderViews.degradation(g.degradation(), g.reducedMode(), 10)).toList()));
    }

    private void groupDegradation(Context ctx) {
        ProviderGroup g = group(ctx);
        ctx.json(ProviderViews.degradation(g.degradation(), g.reducedMode(), Page.limit(ctx.queryParam("limit"), 100)));
    }

    private void enter(Context ctx) {
        ProviderGroup g = group(ctx);
        EnterBody body = JsonBodies.readOptional(ctx, EnterBody.class, bodyLimit).orElse(null);
        String reason = body == null || body.reason() == null || body.reason().isBlank()
                ? "switched on by an operator" : body.reason();
        if (reason.length() > MAX_REASON) {
            throw ApiException.validation("invalid degradation request", List.of(new FieldError("reason",
                    "must be at most " + MAX_REASON + " characters but was " + reason.length())));
        }
        g.degradation().enterManually(reason);
        groupDegradation(ctx);
    }

    private void exit(Context ctx) {
        ProviderGroup g = group(ctx);
        g.degradation().exitManually();
        g.evaluate();
        groupDegradation(ctx);
    }

    private ProviderGroup group(Context ctx) {
        return ProviderRoutes.group(runtime, ctx);
    }
}
