package io.bulwark.server.internal.balancer;

import io.bulwark.balancer.EndpointState;
import io.bulwark.balancer.LoadBalancer;
import io.bulwark.server.auth.Role;
import io.bulwark.server.http.ApiException;
import io.bulwark.server.http.ApiRoutes;
import io.bulwark.server.http.RouteDoc;
import io.javalin.http.Context;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /api/v1/load-balancing}: every group with its endpoints, health, ejections, in-flight
 * counts and how requests were distributed. Viewers read.
 */
public final class BalancerRoutes {

    private final BalancerRuntime balancers;

    /** Routes over the groups of {@code balancers}. */
    public BalancerRoutes(BalancerRuntime balancers) {
        this.balancers = balancers;
    }

    /** Adds the routes (viewer role). */
    public void register(ApiRoutes routes) {
        routes.get("/api/v1/load-balancing", this::list, Role.VIEWER,
                RouteDoc.of("Every load balancer group with its endpoints")
                .describe("Strategy, active health checks, endpoint, available, ejected and request counts, and each "
                        + "endpoint's health, ejection, in flight, utilisation, EWMA latency, requests, failures and "
                        + "share.")
                .answers(200, "`{\"groups\":[...]}`"));
        routes.get("/api/v1/load-balancing/{group}", this::get, Role.VIEWER, RouteDoc.of("One load balancer group")
                .path("group", "the group's name (`lb.groups.<name>`)")
                .errors(404));
    }

    private void list(Context ctx) {
        List<Map<String, Object>> groups = new ArrayList<>();
        for (LoadBalancer lb : balancers.registry().all()) {
            groups.add(view(lb));
        }
        ctx.json(Map.of("groups", groups));
    }

    private void get(Context ctx) {
        String name = ctx.pathParam("group");
        LoadBalancer lb = balancers.registry().find(name).orElseThrow(() -> ApiException.notFound(
                "no load balancer group '" + name + "'; configured groups: "
                        + balancers.registry().all().stream().map(LoadBalancer::name).toList()));
        ctx.json(view(lb));
    }

    private Map<String, Object> view(LoadBalancer lb) {
        List<EndpointState> states = lb.states();
        long total = states.stream().mapToLong(EndpointState::requests).sum();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", lb.name());
        m.put("strategy", lb.config().strategy().configName());
        m.put("activeHealthChecks", balancers.activeChecks(lb.name()));
        m.put("healthPath", lb.config().healthCheck().path());
        m.put("slowStartSeconds", lb.config().slowStart().toMillis() / 1000.0);
        m.put("panicThreshold", lb.config().panicThreshold());
        m.put("endpointCount", states.size());
        m.put("available", states.stream().filter(EndpointState::available).count());
        m.put("ejected", states.stream().filter(EndpointState::ejected).count());
        m.put("requests", total);
        List<Map<String, Object>> endpoints = new ArrayList<>();
        for (EndpointState s : states) {
            endpoints.add(endpoint(s, total));
        }
        m.put("endpoints", endpoints);
        return m;
    }

    private static Map<String, Object> endpoint(EndpointState s, long total) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.endpoint().id());
        m.put("uri", s.endpoint().uri().toString());
        m.put("weight", s.endpoint().weight());
        m.put("effectiveWeight", s.effectiveWeight());
        m.put("zone", s.endpoint().zone());
        m.put("healthy", s.healthy());
        m.put("ejected", s.ejected());
        m.put("ejectedForSeconds", s.ejectedFor().toMillis() / 1000.0);
        m.put("ejections", s.ejections());
        m.put("inFlight", s.inFlight());
        m.put("maxConcurrent", s.endpoint().maxConcurrent());
        m.put("utilisation", s.utilisation());
        m.put("ewmaLatencyMillis", s.ewmaLatency().toNanos() / 1e6);
        m.put("requests", s.requests());
        m.put("failures", s.failures());
        m.put("share", total == 0 ? 0.0 : (double) s.requests() / total);
        return m;
    }
}
