package io.bulwark.deploy.rollout;

/** An action that does not apply to a rollout in its current phase (REST answers 409). */
public final class RolloutActionException extends IllegalStateException {

    private final transient RolloutPhase phase;

    public RolloutActionException(String rollout, String action, RolloutPhase phase, String appliesTo) {
        super("cannot " + action + " rollout '" + rollout + "' in phase " + phase + "; " + action + " applies to " + appliesTo);
        this.phase = phase;
    }

    /** The phase the rollout was in. */
    public RolloutPhase phase() {
        return phase;
    }
}
