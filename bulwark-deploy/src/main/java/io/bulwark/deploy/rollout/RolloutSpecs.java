package io.bulwark.deploy.rollout;

import io.bulwark.deploy.rollout.internal.SpecReader;
import java.util.Collection;
import java.util.List;

/**
 * Reads rollout definitions (YAML or JSON) and checks them, collecting every problem with the
 * path of its field, not just the first.
 *
 * <pre>{@code
 * try {
 *     RolloutSpec spec = RolloutSpecs.parse(text);
 *     RolloutSpecs.check(spec, Set.of("nginx", "bulwark"), Set.of("prometheus", "bulwark"));
 * } catch (InvalidRolloutException e) {
 *     e.errors().forEach(System.err::println); // strategy.canary.steps[2].setWeight: must be 0 to 100 but was 120
 * }
 * }</pre>
 */
public final class RolloutSpecs {

    private RolloutSpecs() {
    }

    /**
     * Parses a definition and checks its shape: names, weights, durations, limits, conditions,
     * and that the canary's steps end at full weight.
     *
     * @throws InvalidRolloutException listing every problem found
     */
    public static RolloutSpec parse(String text) {
        return SpecReader.read(text);
    }

    /**
     * Checks the parts that depend on what this installation offers: the driver type and the
     * metric providers.
     *
     * @return the problems found, empty when none
     */
    public static List<SpecError> check(RolloutSpec spec, Collection<String> driverTypes, Collection<String> providers) {
        return SpecReader.check(spec, driverTypes, providers);
    }
}
