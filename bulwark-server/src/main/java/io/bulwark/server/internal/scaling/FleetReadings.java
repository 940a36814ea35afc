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
 * node that runs jobs, from the figures each node publishes ({@link ResourcesCapability#PUBLISHED}).
 * The request is what the node may use (its CPUs, its memory limit), so the utilization is of the
 * limit. A worker without a fresh figure (none within {@code freshFor}) is missing, which the HPA's
 * rules never let speed a change up.
 */
final class FleetReadings {

    private FleetReadings() {
    }

    static Map<String, Observation> of(StateStore state, ClusterNode node, Duration freshFor) {
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
                PolicyDocument.MEMORY, readings(workers, figures, "rssBytes", "memoryLimitBytes"));
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
