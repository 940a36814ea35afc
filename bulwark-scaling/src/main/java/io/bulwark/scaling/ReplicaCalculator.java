package io.bulwark.scaling;

import java.util.HashMap;
import java.util.Map;

/**
 * The replicas one metric proposes, with the semantics of the Kubernetes HPA's replica calculator
 * ({@code pkg/controller/podautoscaler/replica_calculator.go}): desired = ceil(ratio × pods) where
 * ratio = measured / target; no change within the tolerance; missing pods counted as using their
 * whole request (or exactly the target value) on a scale-down and nothing on a scale-up, unready
 * pods as using nothing on a scale-up; and no change when filling
 * them in would reverse the direction or bring the ratio within the tolerance.
 */
public final class ReplicaCalculator {

    private final double tolerance;

    /** @param tolerance the ratio's distance from 1 below which nothing changes (the HPA's default is 0.1) */
    public ReplicaCalculator(double tolerance) {
        if (!(tolerance >= 0) || tolerance >= 1) {
            throw new IllegalArgumentException("tolerance must be >= 0 and < 1 but was " + tolerance);
        }
        this.tolerance = tolerance;
    }

    /** What {@code target} proposes for {@code currentReplicas} given {@code observation}. */
    public Proposal propose(int currentReplicas, MetricTarget target, Observation observation) {
        return switch (observation) {
            case Observation.Unavailable u -> new Proposal(target.metric(), -1, Double.NaN, u.reason());
            case Observation.Total t -> total(currentReplicas, target, t);
            case Observation.PodReadings p -> pods(currentReplicas, target, p);
        };
    }

    private Proposal total(int current, MetricTarget target, Observation.Total t) {
        if (target.type() == MetricTarget.Type.AVERAGE_VALUE) {
            // An external or object metric against a per-pod average: compare with the current replicas.
            double ratio = current == 0 ? Double.POSITIVE_INFINITY : t.value() / (target.value() * current);
            if (current != 0 && Math.abs(1.0 - ratio) <= tolerance) {
                return new Proposal(target.metric(), current, ratio, "within the tolerance");
            }
            return new Proposal(target.metric(), (int) Math.ceil(t.value() / target.value()), ratio,
                    "total " + t.value() + " / " + target.value() + " per pod");
        }
        double ratio = t.value() / target.value();
        if (current == 0) {
            return new Proposal(target.metric(), (int) Math.ceil(ratio), ratio, "from zero replicas: ceil(ratio)");
        }
        if (Math.abs(1.0 - ratio) <= tolerance) {
            return new Proposal(target.metric(), current, ratio, "within the tolerance");
        }
        return new Proposal(target.metric(), (int) Math.ceil(ratio * t.readyPods()), ratio,
                "ratio × " + t.readyPods() + " ready pods");
    }

    private Proposal pods(int current, MetricTarget target, Observation.PodReadings p) {
        if (p.readings().isEmpty()) {
            return new Proposal(target.metric(), -1, Double.NaN, "no ready pod reported " + target.metric());
        }
        Map<String, Double> readings = new HashMap<>(p.readings());
        double ratio = ratio(target, readings, p.requests());
        if (Double.isNaN(ratio)) {
            return new Proposal(target.metric(), -1, Double.NaN, "no request of " + target.metric()
                    + " on the pods that reported it: utilization needs one");
        }
        boolean rebalanceUnready = !p.unready().isEmpty() && ratio > 1.0;
        if (!rebalanceUnready && p.missing().isEmpty()) {
            if (Math.abs(1.0 - ratio) <= tolerance) {
                return new Proposal(target.metric(), current, ratio, "within the tolerance");
            }
            return new Proposal(target.metric(), (int) Math.ceil(ratio * readings.size()), ratio,
                    "ratio × " + readings.size() + " pods");
        }
        if (!p.missing().isEmpty()) {
            // Missing data may not speed a change up: when shrinking a missing pod counts as using all
            // of its request (utilization) or exactly the target (values); when growing, as using nothing.
            for (String pod : p.missing()) {
                if (ratio == 1.0 && target.type() == MetricTarget.Type.UTILIZATION) {
                    break; // as the HPA: at exactly the target, missing pods are left out of resource metrics
                }
                double fill = ratio >= 1.0 ? 0.0
                        : target.type() == MetricTarget.Type.UTILIZATION ? p.requests().getOrDefault(pod, 0.0) : target.value();
                readings.put(pod, fill);
            }
        }
        if (rebalanceUnready) {
            for (String pod : p.unready()) {
                readings.put(pod, 0.0);
            }
        }
        double filled = ratio(target, readings, p.requests());
        String note = (p.missing().isEmpty() ? "" : p.missing().size() + " missing pod(s) counted at "
                + (ratio < 1.0 ? "their full request or the target" : "0")) + (rebalanceUnready ? (p.missing().isEmpty() ? "" : ", ")
                + p.unready().size() + " unready pod(s) counted at 0" : "");
        if (Math.abs(1.0 - filled) <= tolerance || (ratio < 1.0 && filled > 1.0) || (ratio > 1.0 && filled < 1.0)) {
            return new Proposal(target.metric(), current, ratio, note + ": no change (within the tolerance, or the "
                    + "direction would reverse)");
        }
        int replicas = (int) Math.ceil(filled * readings.size());
        if ((filled < 1.0 && replicas > current) || (filled > 1.0 && replicas < current)) {
            return new Proposal(target.metric(), current, ratio, note + ": no change (the pod count would reverse the "
                    + "direction)");
        }
        return new Proposal(target.metric(), replicas, ratio, note);
    }

    /** measured / target; for utilization the readings' sum over the requests' sum, as a percent. */
    private static double ratio(MetricTarget target, Map<String, Double> readings, Map<String, Double> requests) {
        double sum = readings.values().stream().mapToDouble(Double::doubleValue).sum();
        if (target.type() == MetricTarget.Type.UTILIZATION) {
            double requested = 0;
            for (String pod : readings.keySet()) {
                Double r = requests.get(pod);
                if (r == null || r <= 0) {
                    return Double.NaN;
                }
                requested += r;
            }
            // As the HPA: the utilization is a whole percent (truncated) before it is compared.
            return Math.floor(sum * 100 / requested) / target.value();
        }
        return (sum / readings.size()) / target.value();
    }
}
