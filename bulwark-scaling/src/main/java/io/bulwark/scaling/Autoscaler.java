package io.bulwark.scaling;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Decides replica counts as the Kubernetes HPA does ({@code pkg/controller/podautoscaler/horizontal.go},
 * {@code replica_calculator.go}), explaining each decision:
 *
 * <ol>
 *   <li>a target at 0 replicas with a minimum above 0 is not scaled; one outside the bounds is
 *       brought inside them at once;</li>
 *   <li>each metric proposes a count ({@link ReplicaCalculator}); the largest valid proposal wins; when a
 *       metric cannot be read, the others may scale up but never down;</li>
 *   <li>stabilization: the lowest recommendation of the up window (this one included) is a floor,
 *       the highest of the down window a ceiling, and the current count is kept between them;</li>
 *   <li>rate: each policy limits the change from the count at the start of its period (the current
 *       count less the scale-ups and plus the scale-downs within it); {@code selectPolicy} picks the
 *       most or the least permissive; then the bounds apply.</li>
 * </ol>
 *
 * <p>Stateful like the HPA controller: it remembers recent recommendations and scale events. Call
 * {@link #decide} once per evaluation; a decision that {@link Decision#scales() scales} is taken as
 * applied (record a failure to apply with {@link #notApplied}). The clock is injected; tests drive it.
 * Thread-safe: decisions are serialised.
 */
public final class Autoscaler {

    private record Recommendation(Instant at, int replicas) {
    }

    private record ScaleEvent(Instant at, int change) {
    }

    private volatile AutoscalerPolicy policy;
    private final InstantSource clock;
    private volatile ReplicaCalculator calculator;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Recommendation> recommendations = new ArrayList<>();
    private final List<ScaleEvent> upEvents = new ArrayList<>();
    private final List<ScaleEvent> downEvents = new ArrayList<>();

    /** The clock decisions are timed by. */
    public InstantSource clock() {
        return clock;
    }

    public Autoscaler(AutoscalerPolicy policy, InstantSource clock) {
        this.policy = Objects.requireNonNull(policy, "policy must be set");
        this.clock = Objects.requireNonNull(clock, "clock must be set");
        this.calculator = new ReplicaCalculator(policy.tolerance());
    }

    public AutoscalerPolicy policy() {
        return policy;
    }

    /**
     * Decides with another policy from the next decision on, keeping the recent recommendations and
     * scale events, so stabilization windows and rate policies carry over (as an HPA edited in place).
     */
    public void usePolicy(AutoscalerPolicy next) {
        Objects.requireNonNull(next, "policy must be set");
        lock.lock();
        try {
            this.policy = next;
            this.calculator = new ReplicaCalculator(next.tolerance());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Decides for a target running {@code current} replicas, with one observation per metric of
     * the policy (a metric without one counts as unavailable).
     */
    public Decision decide(int current, Map<String, Observation> observations) {
        if (current < 0) {
            throw new IllegalArgumentException("current must be >= 0 but was " + current);
        }
        lock.lock();
        try {
            Instant now = clock.instant();
            if (current == 0 && policy.minReplicas() != 0) {
                return new Decision(now, current, List.of(), current, current, current, "ScalingDisabled",
                        "the target runs 0 replicas and minReplicas is " + policy.minReplicas() + ": scaling is off until "
                                + "it runs some");
            }
            if (current > policy.maxReplicas()) {
                return applied(new Decision(now, current, List.of(), policy.maxReplicas(), policy.maxReplicas(),
                        policy.maxReplicas(), "TooManyReplicas", current + " replicas is above maxReplicas "
                        + policy.maxReplicas()));
            }
            if (current < policy.minReplicas()) {
                return applied(new Decision(now, current, List.of(), policy.minReplicas(), policy.minReplicas(),
                        policy.minReplicas(), "TooFewReplicas", current + " replicas is below minReplicas "
                        + policy.minReplicas()));
            }
            List<Proposal> proposals = new ArrayList<>();
            for (MetricTarget t : policy.targets()) {
                Observation o = observations.getOrDefault(t.metric(), new Observation.Unavailable("no observation"));
                proposals.add(calculator.propose(current, t, o));
            }
            List<Proposal> valid = proposals.stream().filter(Proposal::valid).toList();
            if (valid.isEmpty()) {
                return new Decision(now, current, proposals, current, current, current, "InvalidMetrics",
                        "no metric could be read: keeping " + current);
            }
            int recommended = valid.stream().mapToInt(Proposal::replicas).max().orElseThrow();
            if (valid.size() < proposals.size() && recommended < current) {
                return new Decision(now, current, proposals, recommended, current, current, "InvalidMetrics",
                        (proposals.size() - valid.size()) + " metric(s) could not be read: no scale-down until they can");
            }
            return applied(normalize(now, current, proposals, recommended));
        } finally {
            lock.unlock();
        }
    }

    /** Forgets the scale event of {@code decision}: it could not be applied. */
    public void notApplied(Decision decision) {
        lock.lock();
        try {
            List<ScaleEvent> events = decision.desired() > decision.current() ? upEvents : downEvents;
            int change = Math.abs(decision.desired() - decision.current());
            events.removeIf(e -> e.at().equals(decision.at()) && e.change() == change);
        } finally {
            lock.unlock();
        }
    }

    private Decision normalize(Instant now, int current, List<Proposal> proposals, int recommended) {
        // Stabilization as the HPA does it today: the lowest recommendation of the up window bounds the
        // count from below, the highest of the down window from above; the current count is kept
        // when it lies between them.
        Instant upCutoff = now.minus(policy.scaleUp().stabilizationWindow());
        Instant downCutoff = now.minus(policy.scaleDown().stabilizationWindow());
        int upRecommendation = recommended;
        int downRecommendation = recommended;
        for (Recommendation r : recommendations) {
            if (r.at().isAfter(upCutoff)) {
                upRecommendation = Math.min(upRecommendation, r.replicas());
            }
            if (r.at().isAfter(downCutoff)) {
                downRecommendation = Math.max(downRecommendation, r.replicas());
            }
        }
        recommendations.removeIf(r -> r.at().isBefore(upCutoff) && r.at().isBefore(downCutoff));
        recommendations.add(new Recommendation(now, recommended));
        int stabilized = Math.min(Math.max(current, upRecommendation), downRecommendation);
        boolean up = recommended >= current;
        String rule = stabilized != recommended ? (up ? "ScaleUpStabilized" : "ScaleDownStabilized") : "DesiredWithinRange";
        String why = stabilized != recommended
                ? (up ? "recent recommendations were lower (the lowest of the last "
                        + policy.scaleUp().stabilizationWindow().toSeconds() + " s is " + upRecommendation + ")"
                        : "recent recommendations were higher (the highest of the last "
                        + policy.scaleDown().stabilizationWindow().toSeconds() + " s is " + downRecommendation + ")")
                        + ": " + stabilized
                : "metrics recommend " + recommended;

        int desired = stabilized;
        if (stabilized > current) {
            int limit = Math.max(current, scaleUpLimit(now, current));
            int allowed = Math.min(policy.maxReplicas(), limit);
            if (stabilized > allowed) {
                desired = allowed;
                rule = policy.maxReplicas() > limit ? "ScaleUpLimit" : "TooManyReplicas";
                why += rule.equals("ScaleUpLimit") ? "; the scale-up policies allow " + allowed + " now"
                        : "; maxReplicas is " + policy.maxReplicas();
            }
        } else if (stabilized < current) {
            int limit = Math.min(current, scaleDownLimit(now, current));
            int allowed = Math.max(policy.minReplicas(), limit);
            if (stabilized < allowed) {
                desired = allowed;
                rule = policy.minReplicas() < limit ? "ScaleDownLimit" : "TooFewReplicas";
                why += rule.equals("ScaleDownLimit") ? "; the scale-down policies allow " + allowed + " now"
                        : "; minReplicas is " + policy.minReplicas();
            }
        }
        return new Decision(now, current, proposals, recommended, stabilized, desired, rule,
                why + (desired == current ? ": keeping " + current : ": scaling " + current + " → " + desired));
    }

    private Decision applied(Decision d) {
        if (d.scales()) {
            ScalingRules rules = d.desired() > d.current() ? policy.scaleUp() : policy.scaleDown();
            List<ScaleEvent> events = d.desired() > d.current() ? upEvents : downEvents;
            events.removeIf(e -> e.at().isBefore(d.at().minus(rules.longestPeriod())));
            events.add(new ScaleEvent(d.at(), Math.abs(d.desired() - d.current())));
        }
        return d;
    }

    private int scaleUpLimit(Instant now, int current) {
        ScalingRules rules = policy.scaleUp();
        if (rules.select() == ScalingRules.Select.DISABLED) {
            return current;
        }
        boolean most = rules.select() == ScalingRules.Select.MAX;
        int result = most ? Integer.MIN_VALUE : Integer.MAX_VALUE;
        for (ScalingPolicy p : rules.policies()) {
            int start = current - changeWithin(upEvents, now, p.period()) + changeWithin(downEvents, now, p.period());
            int proposed = p.type() == ScalingPolicy.Type.PODS ? start + p.value()
                    : (int) Math.ceil(start * (1 + p.value() / 100.0));
            result = most ? Math.max(result, proposed) : Math.min(result, proposed);
        }
        return result;
    }

    private int scaleDownLimit(Instant now, int current) {
        ScalingRules rules = policy.scaleDown();
        if (rules.select() == ScalingRules.Select.DISABLED) {
            return current;
        }
        boolean most = rules.select() == ScalingRules.Select.MAX;
        int result = most ? Integer.MAX_VALUE : Integer.MIN_VALUE;
        for (ScalingPolicy p : rules.policies()) {
            int start = current - changeWithin(upEvents, now, p.period()) + changeWithin(downEvents, now, p.period());
            int proposed = p.type() == ScalingPolicy.Type.PODS ? start - p.value()
                    : (int) (start * (1 - p.value() / 100.0));
            result = most ? Math.min(result, proposed) : Math.max(result, proposed);
        }
        return result;
    }

    private static int changeWithin(List<ScaleEvent> events, Instant now, Duration period) {
        Instant cutoff = now.minus(period);
        return events.stream().filter(e -> e.at().isAfter(cutoff)).mapToInt(ScaleEvent::change).sum();
    }

}
