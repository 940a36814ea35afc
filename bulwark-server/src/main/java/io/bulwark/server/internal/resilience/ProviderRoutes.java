package io.bulwark.server.internal.resilience;

import io.bulwark.core.validation.ValidationException;
import io.bulwark.resilience.provider.GroupSpec;
import io.bulwark.resilience.provider.Provider;
import io.bulwark.resilience.provider.ProviderGroup;
import io.bulwark.server.auth.Role;
import io.bulwark.server.http.ApiException;
import io.bulwark.server.http.FieldError;
import io.bulwark.server.http.JsonBodies;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /api/v1/providers}: provider groups and their providers, their settings (read by
 * viewers, replaced by admins, kept in the store), statistics and baselines.
 */
public final class ProviderRoutes {

    /** The body of {@code PUT /api/v1/providers}: every group; groups left out are removed. */
    public record GroupsBody(List<GroupSpec> groups) {
    }

    private final ResilienceRuntime runtime;
    private final long bodyLimit;

    public ProviderRoutes(ResilienceRuntime runtime, long bodyLimit) {
        this.runtime = runtime;
        this.bodyLimit = bodyLimit;
    }

    public void register(RoutesConfig routes) {
        routes.get("/api/v1/providers", this::list, Role.VIEWER);
        routes.put("/api/v1/providers", this::putAll, Role.ADMIN);
        routes.get("/api/v1/providers/{group}", this::get, Role.VIEWER);
        routes.put("/api/v1/providers/{group}", this::put, Role.ADMIN);
        routes.delete("/api/v1/providers/{group}", this::delete, Role.ADMIN);
        routes.post("/api/v1/providers/{group}/reset", this::reset, Role.ADMIN);
        routes.get("/api/v1/providers/{group}/{provider}/stats", this::stats, Role.VIEWER);
        routes.post("/api/v1/providers/{group}/{provider}/baseline", this::baseline, Role.OPERATOR);
    }

    private void list(Context ctx) {
        ctx.json(Map.of("groups", runtime.providers().groups().values().stream()
                .map(g -> ProviderViews.group(g, runtime)).toList()));
    }

    private void get(Context ctx) {
        ctx.json(ProviderViews.group(group(ctx), runtime));
    }

    private void putAll(Context ctx) {
        GroupsBody body = JsonBodies.read(ctx, GroupsBody.class, bodyLimit);
        if (body.groups() == null) {
            throw ApiException.validation("invalid providers", List.of(new FieldError("groups",
                    "is required: a list of provider groups (an empty list removes every group)")));
        }
        for (int i = 0; i < body.groups().size(); i++) {
            if (body.groups().get(i) == null) {
                throw ApiException.validation("invalid providers", List.of(new FieldError("groups[" + i + "]",
                        "must be a provider group object but was null")));
            }
        }
        apply(() -> runtime.putGroups(body.groups(), true));
        list(ctx);
    }

    private void put(Context ctx) {
        String name = ctx.pathParam("group");
        GroupSpec body = JsonBodies.read(ctx, GroupSpec.class, bodyLimit);
        if (body.name() != null && !body.name().equals(name)) {
            throw ApiException.validation("invalid provider group", List.of(new FieldError("name",
                    "must match the group in the path ('" + name + "') or be left out, but was '" + body.name() + "'")));
        }
        GroupSpec named = new GroupSpec(name, body.strategy(), body.providers(), body.fallbackChain(), body.degradation());
        apply(() -> runtime.putGroups(List.of(named), false));
        get(ctx);
    }

    private void delete(Context ctx) {
        ProviderGroup g = group(ctx);
        List<GroupSpec> rest = runtime.groupSpecs().values().stream().filter(s -> !s.name().equals(g.name())).toList();
        apply(() -> runtime.putGroups(rest, true));
        ctx.status(204);
    }

    private void reset(Context ctx) {
        String name = ctx.pathParam("group");
        ResilienceRuntime.Reset[] done = new ResilienceRuntime.Reset[1];
        apply(() -> done[0] = runtime.resetGroup(name).orElseThrow(() -> ApiException.notFound("no provider group '"
                + name + "' is configured or kept in the store; configured: " + runtime.configuredGroupNames())));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("group", name);
        body.put("droppedStored", done[0].droppedStored());
        body.put("source", done[0].inForce() != null ? "config" : "none");
        body.put("runs", done[0].inForce() != null);
        ctx.json(body);
    }

    private static void apply(Runnable change) {
        try {
            change.run();
        } catch (ValidationException e) {
            throw ApiException.validation(e);
        }
    }

    private void stats(Context ctx) {
        Provider p = provider(ctx);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("provider", p.name());
        m.put("recent", ProviderViews.window(p.stats().window(runtime.drift().window())));
        m.put("series", p.stats().series().stream().map(ProviderViews::point).toList());
        m.put("baseline", runtime.drift().baseline(p.name()).orElse(null));
        m.put("driftFactor", runtime.drift().factor());
        m.put("drift", runtime.drift().drifted().getOrDefault(p.name(), List.of()));
        ctx.json(m);
    }

    private void baseline(Context ctx) {
        Provider p = provider(ctx);
        try {
            ctx.json(runtime.drift().record(p.name()));
        } catch (IllegalStateException e) {
            throw ApiException.conflict(e.getMessage());
        }
    }

    private ProviderGroup group(Context ctx) {
        return group(runtime, ctx);
    }

    /** The group named by the path's {@code {group}}, or 404 naming the groups there are. */
    static ProviderGroup group(ResilienceRuntime runtime, Context ctx) {
        try {
            return runtime.providers().requireGroup(ctx.pathParam("group"));
        } catch (java.util.NoSuchElementException e) {
            throw ApiException.notFound(e.getMessage());
        }
    }

    private Provider provider(Context ctx) {
        ProviderGroup g = group(ctx);
        String name = ctx.pathParam("provider");
        return g.providers().stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> ApiException.notFound("group '" + g.name() + "' has no provider named '" + name
                        + "'; it has " + g.providers().stream().map(Provider::name).toList()));
    }

}
