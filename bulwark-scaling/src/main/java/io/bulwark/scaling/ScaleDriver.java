package io.bulwark.scaling;

/**
 * How a decision is applied: the replica count of the thing being scaled, read and set. Drivers:
 * {@link ScaleDrivers#dryRun dry-run} (records only), {@link ScaleDrivers#command command} (a script,
 * for VMs), and Kubernetes' scale subresource ({@code io.bulwark.kubernetes.scaling.KubernetesScaleDriver}).
 */
public interface ScaleDriver {

    /** Its name in decisions: {@code dry-run}, {@code command}, {@code kubernetes}. */
    String name();

    /** The replicas running now. */
    int currentReplicas() throws ScaleException;

    /**
     * Sets the replicas; returns false when the driver only records (dry-run).
     *
     * @throws ScaleException naming what failed; the decision is then not counted as applied
     */
    boolean scale(int replicas) throws ScaleException;

    /** A driver's failure, with a message that names the target and what went wrong. */
    final class ScaleException extends Exception {
        public ScaleException(String message, Throwable cause) {
            super(message, cause);
        }

        public ScaleException(String message) {
            super(message);
        }
    }
}
