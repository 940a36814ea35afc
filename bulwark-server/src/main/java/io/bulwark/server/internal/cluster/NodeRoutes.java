package io.bulwark.server.internal.cluster;

import io.bulwark.cluster.ClusterNode;
import io.bulwark.cluster.ClusterView;
import io.bulwark.cluster.NodeInfo;
import io.bulwark.cluster.store.ClusterStore;
import io.bulwark.server.auth.Role;
import io.bulwark.server.http.ApiException;
import io.bulwark.server.http.ApiRoutes;
import io.bulwark.server.http.FieldError;
import io.bulwark.server.http.Page;
import io.bulwark.server.http.RouteDoc;
import io.javalin.http.Context;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /api/v1/nodes} and {@code /api/v1/cluster}: viewers see the fleet, operators ask a node
 * to drain.
 */
final class NodeRoutes {

    /** How the docs describe the path parameter. */
    private static final String NODE_ID = "the node's id";

    private final ClusterNode node;
    private final ClusterStore store;

    NodeRoutes(ClusterNode node, ClusterStore store) {
        this.node = node;
        this.store = store;
    }

    void register(ApiRoutes routes) {
        routes.get("/api/v1/nodes", this::list, Role.VIEWER, RouteDoc.of("The fleet's nodes")
                .describe("Each with its role, state, version, heartbeat, queues, jobs in flight, capacity and whether "
                        + "it leads (see docs/cluster.md).")
                .answers(200, "`{\"items\":[...]}`"));
        routes.get("/api/v1/nodes/{id}", this::get, Role.VIEWER, RouteDoc.of("One node")
                .path("id", NODE_ID)
                .errors(400, 404));
        routes.post("/api/v1/nodes/{id}/drain", this::drain, Role.OPERATOR,
                RouteDoc.of("Drain a node: it stops claiming and leaves once its jobs end")
                .path("id", NODE_ID)
                .answers(202, "`{\"id\",\"drainRequested\",\"detail\"}`")
                .errors(400, 404));
        routes.get("/api/v1/cluster", this::cluster, Role.VIEWER,
                RouteDoc.of("The cluster: this node, the leader and its terms")
                .query("limit", Integer.class, "terms at most, newest first, 1 to 500 (default 20)")
                .answers(200, "`{\"self\",\"leader\":{\"term\",\"holder\",\"electedAt\",\"until\"},\"storeReachable\","
                        + "\"heartbeatMs\",\"terms\":[...]}`")
                .errors(400));
    }

    private void list(Context ctx) {
        ClusterView v = node.view();
        ctx.json(new Page<>(v.nodes().stream().map(n -> NodeJson.of(n, v.leader())).toList(), null));
    }

    private void get(Context ctx) {
        String id = id(ctx);
        ClusterView v = node.view();
        ctx.json(v.node(id).map(n -> NodeJson.of(n, v.leader())).orElseThrow(() -> notFound(id)));
    }

    private void drain(Context ctx) {
        String id = id(ctx);
        if (!store.requestDrain(id)) {
            throw notFound(id);
        }
        ctx.status(202).json(Map.of("id", id, "drainRequested", true,
                "detail", "the node stops claiming at its next heartbeat (within " + node.heartbeatPeriod().toMillis()
                        + " ms) and leaves once its running jobs end"));
    }

    private void cluster(Context ctx) {
        ClusterView v = node.view();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("self", v.self());
        body.put("leader", v.leader().orElse(null));
        body.put("storeReachable", node.storeReachable());
        body.put("heartbeatMs", node.heartbeatPeriod().toMillis());
        body.put("terms", store.terms(Page.limit(ctx.queryParam("limit"), 20)));
        ctx.json(body);
    }

    private static String id(Context ctx) {
        String id = ctx.pathParam("id");
        try {
            return NodeInfo.requireName("id", id);
        } catch (IllegalArgumentException e) {
            throw ApiException.validation("invalid node id", List.of(new FieldError("id", e.getMessage().replaceFirst("^id ", ""))));
        }
    }

    private static ApiException notFound(String id) {
        return ApiException.notFound("no live node has the id " + id + " (see GET /api/v1/nodes; dead nodes are "
                + "listed for an hour, then removed)");
    }
}
