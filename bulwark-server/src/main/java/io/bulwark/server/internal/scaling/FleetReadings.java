package io.bulwark.server.internal.scaling;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.bulwark.cluster.ClusterNode;
import io.bulwark.cluster.NodeRole;
import io.bulwark.cluster.NodeState;
import io.bulwark.core.json.Json;
import io.bulwark.core.state.StateEntry;
import io.bulwark.core.state.StateStore;
import io.bulwark.scaling.Observation;
import io.bulwark.scaling.PolicyDocument;
import io.bulwark.server.internal.resources.ResourcesCapability;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The workers' CPU and memory as the HPA reads pod metrics: one reading and one request per alive
 * node that runs jobs, from the figures each node publishes ({@link ResourcesCapability#PUBLISHED});
 * and their request rate and 5xx percent as object metrics (one total for the fleet).
 * The request is what the node may use (its CPUs, its memory limit), so the utilization is of the
 * limit. A worker without a fresh figure (none within {@code freshFor}) is missing, which the HPA's
 * rules never let speed a change up.
 */
final class FleetReadings {

    private FleetReadings() {
    }

    static Map<String, Observation> of(StateStore state, ClusterNode node, Duration freshFor, int replicas) {
        Set<String> workers = new HashSet<>();
        node.view().nodes().stream().filter(n -> n.state() == NodeState.ALIVE)
                .filter(n -> n.row().info().role() != NodeRole.API).forEach(n -> workers.add(n.row().info().id()));
        Instant fresh = state.now().minus(freshFor);
        Map<String, Map<?, ?>> figures = new HashMap<>();
        for (StateEntry e : state.list(ResourcesCapability.PUBLISHED)) {
            if (workers.contains(e.name()) && !e.updatedAt().isBefore(fresh)) {
                try {
                    figures.put(e.name(), Json.mapper().readValue(e.json(), Map.class));
                } catch (JsonProcessingException ignored) {
                    // another version's shape: the worker counts as missing
                }
            }
        }
        return Map.of(PolicyDocument.CPU, readings(workers, figures, "cpuCores", "cpuLimitCores"),
                PolicyDocument.MEMORY, readings(workers, figures, "rssBytes", "memoryLimitBytes"),
                PolicyDocument.REQUESTS, requests(figures, replicas),
                PolicyDocument.ERRORS, errors(figures, replicas));
    }

    /**
     * The workers' requests per second, summed: a total the HPA divides over the ready replicas
     * (an average-value target on an object metric). Unavailable while no worker published one.
     */
    private static Observation requests(Map<String, Map<?, ?>> figures, int replicas) {
        double total = 0;
        int reported = 0;
        for (Map<?, ?> f : figures.values()) {
            if (f.get("requestsPerSecond") instanceof Number n && n.doubleValue() >= 0) {
                total += n.doubleValue();
                reported++;
            }
        }
        return reported == 0 ? new Observation.Unavailable("no worker has published its request rate yet")
                : new Observation.Total(total, replicas);
    }

    /** The workers' 5xx answers as a percent of their requests, over the last published interval of each. */
    private static Observation errors(Map<String, Map<?, ?>> figures, int replicas) {
        double requests = 0;
        double errors = 0;
        int reported = 0;
        for (Map<?, ?> f : figures.values()) {
            if (f.get("requestsPerSecond") instanceof Number r && f.get("serverErrorsPerSecond") instanceof Number e
                    && r.doubleValue() >= 0 && e.doubleValue() >= 0) {
                requests += r.doubleValue();
                errors += e.doubleValue();
                reported++;
            }
        }
        if (reported == 0) {
            return new Observation.Unavailable("no worker has published its request and error rates yet");
        }
        // A fleet that served nothing failed nothing: 0 %, so that an idle fleet may still scale down.
        return new Observation.Total(requests <= 0 ? 0 : 100 * errors / requests, replicas);
    }

    private static Observation readings(Set<String> workers, Map<String, Map<?, ?>> figures, String use, String limit) {
        Map<String, Double> readings = new HashMap<>();
        Map<String, Double> requests = new HashMap<>();
        Set<String> missing = new HashSet<>();
        for (String w : workers) {
            Map<?, ?> f = figures.get(w);
            double u = f != null && f.get(use) instanceof Number n ? n.doubleValue() : -1;
            double l = f != null && f.get(limit) instanceof Number n ? n.doubleValue() : -1;
            if (u >= 0 && l > 0) {
                readings.put(w, u);
                requests.put(w, l);
            } else {
                missing.add(w);
            }
        }
        return new Observation.PodReadings(readings, requests, missing, Set.of());
    }
}
