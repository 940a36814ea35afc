package io.bulwark.deploy.rollout;

/**
 * Told about what a {@link RolloutController} does, on the thread that drives it: for webhook
 * notifications, logs and metrics. Implementations should be quick and must not throw (a
 * throwing listener is logged by nobody and ignored by the controller).
 */
public interface RolloutListener {

    /** A listener that ignores everything. */
    RolloutListener NONE = new RolloutListener() {
    };

    /** A transition was recorded; {@code state} is the rollout after it. */
    default void onTransition(RolloutState state, Transition transition) {
    }

    /** A metric was measured. */
    default void onMeasurement(String rollout, String metric, Measurement measurement) {
    }
}
