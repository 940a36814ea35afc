package io.bulwark.pipeline;

/**
 * A fan-out step whose {@code forEach} has been evaluated.
 *
 * @param stepId the step
 * @param branches how many branches it has (instances {@code 0 .. branches-1}); 0 completes it with output {@code []}
 */
public record FanOut(String stepId, int branches) {
}
