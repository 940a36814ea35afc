package io.bulwark.deploy.rollout;

/**
 * One problem in a rollout definition.
 *
 * @param field   the path of the field, e.g. {@code strategy.canary.steps[2].setWeight}
 * @param message what is wrong and what is allowed
 */
public record SpecError(String field, String message) {
    @Override
    public String toString() {
        return field + ": " + message;
    }
}
