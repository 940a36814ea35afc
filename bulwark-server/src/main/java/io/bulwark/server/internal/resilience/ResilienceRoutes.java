package io.bulwark.server.internal.resilience;

import io.bulwark.core.validation.ValidationException;
import io.bulwark.resilience.breaker.CircuitBreaker;
import io.bulwark.resilience.provider.Provider;
import io.bulwark.resilience.provider.ProviderGroup;
import io.bulwark.resilience.provider.RetrySpec;
import io.bulwark.server.auth.Role;
import io.bulwark.server.http.ApiException;
import io.bulwark.server.http.FieldError;
import io.bulwark.server.http.JsonBodies;
import io.bulwark.server.http.Page;
import io.javalin.config.RoutesConfig;
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

    private final ResilienceRuntime runtime;
    private final long bodyLimit;

    public ResilienceRoutes(ResilienceRuntime runtime, long bodyLimit) {
        this.runtime = runtime;
        this.bodyLimit = bodyLimit;
    }

    public void register(RoutesConfig routes) {
        routes.get("/api/v1/circuit-breakers", this::breakers, Role.VIEWER);
        routes.get("/api/v1/circuit-breakers/{name}", this::breaker, Role.VIEWER);
        routes.post("/api/v1/circuit-breakers/{name}/open", ctx -> change(ctx, CircuitBreaker::forceOpen), Role.OPERATOR);
        routes.post("/api/v1/circuit-breakers/{name}/close", ctx -> change(ctx, CircuitBreaker::forceClose), Role.OPERATOR);
        routes.post("/api/v1/circuit-breakers/{name}/reset", ctx -> change(ctx, CircuitBreaker::reset), Role.OPERATOR);
        routes.get("/api/v1/retry-configs", this::retryConfigs, Role.VIEWER);
        routes.put("/api/v1/retry-configs", this::putRetryConfigs, Role.ADMIN);
        routes.get("/api/v1/degradation", this::degradation, Role.VIEWER);
        routes.get("/api/v1/degradation/{group}", this::groupDegradation, Role.VIEWER);
        routes.post("/api/v1/degradation/{group}/enter", this::enter, Role.OPERATOR);
        routes.post("/api/v1/degradation/{group}/exit", this::exit, Role.OPERATOR);
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
