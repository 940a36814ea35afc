package io.bulwark.scaling;

import java.time.Instant;
import java.util.List;

/**
 * One decision, with everything that led to it.
 *
 * @param at          when it was made
 * @param current     the replicas before
 * @param proposals   what each metric proposed
 * @param recommended the largest valid proposal (the current count when none could propose)
 * @param stabilized  the recommendation after the stabilization window
 * @param desired     the replicas to run, after rate limits and bounds
 * @param rule        what decided it: {@code DesiredWithinRange}, {@code ScaleUpStabilized},
 *                    {@code ScaleDownStabilized}, {@code ScaleUpLimit}, {@code ScaleDownLimit},
 *                    {@code TooManyReplicas}, {@code TooFewReplicas}, {@code InvalidMetrics},
 *                    {@code ScalingDisabled}, as the HPA names its conditions
 * @param explanation one sentence a person can read
 */
public record Decision(Instant at, int current, List<Proposal> proposals, int recommended, int stabilized, int desired,
                       String rule, String explanation) {

    public Decision {
        proposals = List.copyOf(proposals);
    }

    /** True when the decision changes the replica count. */
    public boolean scales() {
        return desired != current;
    }
}
