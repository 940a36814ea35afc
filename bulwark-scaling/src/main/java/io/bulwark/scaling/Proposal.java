package io.bulwark.scaling;

/**
 * What one metric asks for.
 *
 * @param metric   the metric
 * @param replicas the replicas it proposes, or -1 when it could not propose
 * @param ratio    measured / target (before missing and unready pods are filled in); NaN when unavailable
 * @param note     why: "within tolerance", "missing pods counted at the target", the reading error
 */
public record Proposal(String metric, int replicas, double ratio, String note) {

    /** True when the metric could propose a count. */
    public boolean valid() {
        return replicas >= 0;
    }
}
