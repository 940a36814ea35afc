package io.bulwark.deploy.rollout;

import java.time.Instant;

/**
 * One entry of a rollout's history: a step entered, a phase changed, an action taken.
 *
 * @param at     when
 * @param phase  the phase after it
 * @param step   the step index after it
 * @param weight the weight asked of the driver after it
 * @param reason what happened, in words
 */
public record Transition(Instant at, RolloutPhase phase, int step, int weight, String reason) {
}
