package io.bulwark.pipeline;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What is known of a run: the state of each step instance recorded so far. An instance not in
 * the map has not started. Immutable; {@link #with} returns a new state.
 *
 * @param instances the state of each recorded instance
 */
public record RunState(Map<StepInstance, StepState> instances) {

    /** Copies the map, ordered by {@link StepInstance#ORDER} so that it prints the same each time. */
    public RunState {
        TreeMap<StepInstance, StepState> copy = new TreeMap<>(StepInstance.ORDER);
        copy.putAll(Objects.requireNonNull(instances, "instances"));
        instances = java.util.Collections.unmodifiableMap(copy);
    }

    /** A run where nothing has started. */
    public static RunState empty() {
        return new RunState(Map.of());
    }

    /** The state of {@code instance}, or null when it has not been recorded. */
    public StepState get(StepInstance instance) {
        return instances.get(instance);
    }

    /** This state with {@code instance} in {@code state}. */
    public RunState with(StepInstance instance, StepState state) {
        TreeMap<StepInstance, StepState> copy = new TreeMap<>(StepInstance.ORDER);
        copy.putAll(instances);
        copy.put(Objects.requireNonNull(instance, "instance"), Objects.requireNonNull(state, "state"));
        return new RunState(copy);
    }

    /** True when some instance is RUNNING. */
    public boolean anyRunning() {
        return instances.values().stream().anyMatch(s -> s.status() == StepStatus.RUNNING);
    }
}
