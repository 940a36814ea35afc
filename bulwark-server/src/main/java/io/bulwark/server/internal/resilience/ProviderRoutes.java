package io.bulwark.server.internal.resilience;

import io.bulwark.core.validation.ValidationException;
import io.bulwark.providers.GroupSpec;
import io.bulwark.providers.Provider;
import io.bulwark.providers.ProviderGroup;
import io.bulwark.server.auth.Role;
import io.bulwark.server.http.ApiException;
import io.bulwark.server.http.ApiRoutes;
import io.bulwark.server.http.FieldError;
import io.bulwark.server.http.JsonBodies;
import io.bulwark.server.http.RouteDoc;
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

    /** How the docs describe the path parameters. */
    private static final String GROUP = "the provider group's name";
    private static final String PROVIDER = "the provider's name";

    private final ResilienceRuntime runtime;
    private final long bodyLimit;

    public ProviderRoutes(ResilienceRuntime runtime, long bodyLimit) {
        this.runtime = runtime;
        this.bodyLimit = bodyLimit;
    }

    public void register(ApiRoutes routes) {
        routes.get("/api/v1/providers", this::list, Role.VIEWER,
                RouteDoc.of("Every provider group with its providers' state")
                .describe("Strategy, fallback chain, degradation, and per provider its breaker, recent calls, "
                        + "p50/p95/p99, error rate, baseline and drift; `spec` is the group as stored.")
                .answers(200, "`{\"groups\":[...]}`"));
        routes.put("/api/v1/providers", this::putAll, Role.ADMIN, RouteDoc.of("Replace every provider group")
                .body(ProviderRoutes.GroupsBody.class)
                .describe("All or nothing: a 400 names fields as `groups.llm.providers[0].baseUrl`. Groups left out "
                        + "are removed. Kept across restarts (see docs/providers.md).")
                .answers(200, "`{\"groups\":[...]}`"));
        routes.get("/api/v1/providers/{group}", this::get, Role.VIEWER, RouteDoc.of("One provider group")
                .path("group", GROUP)
                .errors(404));
        routes.put("/api/v1/providers/{group}", this::put, Role.ADMIN,
                RouteDoc.of("Create or replace one provider group")
                .path("group", GROUP)
                .body(GroupSpec.class)
                .describe("`name` may be left out, or must match the path's. Kept across restarts.")
                .answers(200, "the group"));
        routes.delete("/api/v1/providers/{group}", this::delete, Role.ADMIN, RouteDoc.of("Remove a provider group")
                .path("group", GROUP)
                .describe("Kept across restarts.")
                .answers(204, "removed")
                .errors(404));
        routes.post("/api/v1/providers/{group}/reset", this::reset, Role.ADMIN,
                RouteDoc.of("Drop the version of a group kept in the store")
                .path("group", GROUP)
                .describe("What was changed or deleted over the API is forgotten; the configured group, if any, runs "
                        + "again.")
                .answers(200, "`{\"group\",\"droppedStored\",\"source\":\"config\"|\"none\",\"runs\"}`")
                .errors(404));
        routes.get("/api/v1/providers/{group}/{provider}/stats", this::stats, Role.VIEWER,
                RouteDoc.of("A provider's latency and error series, recent window, baseline and drift")
                .path("group", GROUP)
                .path("provider", PROVIDER)
                .describe("The series has 10 s buckets over 10 minutes.")
                .errors(404));
        routes.post("/api/v1/providers/{group}/{provider}/baseline", this::baseline, Role.OPERATOR,
                RouteDoc.of("Record a provider's recent window as its baseline")
                .path("group", GROUP)
                .path("provider", PROVIDER)
                .describe("A 409 when the window saw fewer calls than `resilience.drift.minimumCalls`.")
                .answers(200, "the baseline")
                .errors(404, 409));
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
        GroupSpec named = new GroupSpec(name, body.strategy(), body.providers(), body.fallbackChain(), body.degradation(),
                body.queue());
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
        java.util.function.Supplier<ApiException> unknown = () -> ApiException.notFound("no provider group '"
                + io.bulwark.core.logging.LogText.safe(name, 100) + "' is configured or kept in the store; configured: "
                + runtime.configuredGroupNames());
        if (!io.bulwark.providers.ProviderSpec.NAME.matcher(name).matches()) {
            throw unknown.get(); // no group can have this name, so none is stored under it
        }
        ResilienceRuntime.Reset[] done = new ResilienceRuntime.Reset[1];
        apply(() -> done[0] = runtime.resetGroup(name).orElseThrow(unknown));
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
