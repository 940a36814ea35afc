package io.bulwark.deploy.rollout;

/**
 * How a rollout moves traffic between the stable version and the new one (the canary, or the
 * green side of a blue-green rollout). Drivers: {@code nginx} (weighted upstreams, reloaded),
 * {@code kubernetes} (a Service's selector for blue-green, the replica ratio for canary),
 * {@code istio} (VirtualService route weights), {@code bulwark} (Bulwark's own load-balancer and
 * provider groups, in process).
 *
 * <p>The controller only ever asks for a weight: the share of traffic, 0 to 100, that goes to the
 * new version. A blue-green switch is 100, a rollback is 0. Calls are idempotent: setting the
 * weight already in place changes nothing, which is what lets a controller that restarted
 * mid-rollout set the recorded weight again and carry on.
 */
public interface TrafficDriver extends AutoCloseable {

    /** Its type as written in a rollout definition: {@code nginx}, {@code kubernetes}, ... */
    String type();

    /**
     * Whether it can split traffic between the two versions (canary weights between 0 and 100).
     * A driver that can only point all traffic at one side (a Service selector) answers false, and
     * a canary rollout on it is refused at start naming {@code driver}.
     */
    default boolean splits() {
        return true;
    }

    /**
     * Sends {@code weight} percent of traffic to the new version and the rest to the stable one.
     *
     * @param weight 0 to 100
     * @throws DriverException naming the target and what failed; the controller records it and
     *                         tries again on its next step, the weight in place is left as it was
     */
    void setWeight(int weight) throws DriverException;

    /** The weight in place now, read back from what the driver controls. */
    int weight() throws DriverException;

    /** Releases what the driver holds (clients, files it watches); never throws. */
    @Override
    default void close() {
    }

    /**
     * Makes drivers of one type from the {@code driver} section of a rollout definition. The
     * server holds one factory per type it offers; a definition naming another type is refused
     * at start naming {@code driver.type} and the types there are.
     */
    interface Factory {
        /** The type it makes. */
        String type();

        /**
         * A driver from its settings (the {@code driver} section without {@code type}).
         *
         * @throws IllegalArgumentException naming the setting ({@code driver.<name>}) and what is allowed
         */
        TrafficDriver create(java.util.Map<String, Object> settings);
    }

    /** A driver's failure, with a message that names the target and what went wrong. */
    final class DriverException extends Exception {
        public DriverException(String message, Throwable cause) {
            super(message, cause);
        }

        public DriverException(String message) {
            super(message);
        }
    }
}
