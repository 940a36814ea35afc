package io.bulwark.scaling;

import io.bulwark.core.time.SettableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Decisions with behaviors, against the examples of the Kubernetes documentation's "Configurable
 * scaling behavior" section and the controller's rules for bounds, invalid metrics and zero replicas.
 * A metric of type VALUE ("load" against 10) stands for any metric: a load of N × 10 recommends N replicas.
 */
class AutoscalerTest {

    private final SettableClock clock = SettableClock.at(Instant.parse("2026-12-04T10:00:00Z"));

    private static final MetricTarget LOAD = MetricTarget.value("load", 10);

    /** Observations under which the load metric recommends {@code replicas} for a target at {@code current}. */
    private static Map<String, Observation> recommending(int replicas, int current) {
        // ratio × ready pods = replicas, ratio = load / 10.
        return Map.of("load", new Observation.Total(replicas * 10.0 / current, current));
    }

    private Autoscaler scaler(AutoscalerPolicy policy) {
        return new Autoscaler(policy, clock);
    }

    @Test
    void scalingUpByDefaultAddsFourPodsOrDoublesEvery15Seconds() {
        Autoscaler a = scaler(AutoscalerPolicy.of(1, 100, List.of(LOAD)));

        Decision first = a.decide(1, recommending(20, 1));
        assertThat(first.desired()).as("max(1 + 4, 1 × 2)").isEqualTo(5);
        assertThat(first.rule()).isEqualTo("ScaleUpLimit");

        clock.advance(Duration.ofSeconds(5));
        Decision within = a.decide(5, recommending(20, 5));
        assertThat(within.desired()).as("the period started at 1: max(1 + 4, 2) = 5").isEqualTo(5);

        clock.advance(Duration.ofSeconds(11));
        Decision next = a.decide(5, recommending(20, 5));
        assertThat(next.desired()).as("a new period: max(5 + 4, 5 × 2)").isEqualTo(10);
        clock.advance(Duration.ofSeconds(16));
        assertThat(a.decide(10, recommending(20, 10)).desired()).isEqualTo(20);
    }

    @Test
    void theDocumentedScaleDownByTenPercentOrFourPodsTakesTheLargerChange() {
        // scaleDown: policies Pods 4 / 60 s and Percent 10 / 60 s (selectPolicy Max): from 80 replicas
        // toward 10, 8 go first, then 8 again at 72 (64.8 → 64), and below 40 four at a time.
        Autoscaler a = scaler(AutoscalerPolicy.of(1, 100, List.of(LOAD)).withScaleDown(new ScalingRules(Duration.ZERO,
                ScalingRules.Select.MAX, List.of(ScalingPolicy.pods(4, Duration.ofSeconds(60)),
                ScalingPolicy.percent(10, Duration.ofSeconds(60))))));
        List<Integer> steps = new ArrayList<>();
        int replicas = 80;
        for (int i = 0; i < 12; i++) {
            replicas = a.decide(replicas, recommending(10, replicas)).desired();
            steps.add(replicas);
            clock.advance(Duration.ofSeconds(61));
        }
        assertThat(steps).startsWith(72, 64, 57, 51, 45, 40, 36, 32, 28, 24, 20, 16);
    }

    @Test
    void selectPolicyMinTakesTheSmallerChangeAndDisabledNone() {
        ScalingRules min = new ScalingRules(Duration.ZERO, ScalingRules.Select.MIN,
                List.of(ScalingPolicy.pods(4, Duration.ofSeconds(60)), ScalingPolicy.percent(10, Duration.ofSeconds(60))));
        Autoscaler a = scaler(AutoscalerPolicy.of(1, 100, List.of(LOAD)).withScaleDown(min));
        assertThat(a.decide(80, recommending(10, 80)).desired()).as("min change: 4 pods, not 8").isEqualTo(76);

        Autoscaler noDown = scaler(AutoscalerPolicy.of(1, 100, List.of(LOAD)).withScaleDown(new ScalingRules(
                Duration.ZERO, ScalingRules.Select.DISABLED, List.of())));
        Decision kept = noDown.decide(80, recommending(10, 80));
        assertThat(kept.desired()).isEqualTo(80);
        assertThat(kept.rule()).isEqualTo("ScaleDownLimit");
        assertThat(noDown.decide(80, recommending(90, 80)).desired()).as("scaling up still works").isEqualTo(90);
    }

    @Test
    void theDownWindowKeepsTheHighestRecentRecommendationSoAnOscillatingLoadDoesNotFlap() {
        Autoscaler a = scaler(AutoscalerPolicy.of(1, 100, List.of(LOAD)));
        int replicas = 10;
        List<Integer> seen = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            int recommendation = i % 2 == 0 ? 10 : 4; // load swings every 30 s
            replicas = a.decide(replicas, recommending(recommendation, replicas)).desired();
            seen.add(replicas);
            clock.advance(Duration.ofSeconds(30));
        }
        assertThat(seen).as("within 5 minutes a 10 is always in the window").containsOnly(10);

        for (int i = 0; i < 10; i++) {
            replicas = a.decide(replicas, recommending(4, replicas)).desired();
            clock.advance(Duration.ofSeconds(30));
        }
        assertThat(replicas).as("after 5 minutes of 4 alone, it follows").isEqualTo(4);
    }

    @Test
    void anUpWindowTakesTheLowestRecentRecommendation() {
        Autoscaler a = scaler(AutoscalerPolicy.of(1, 100, List.of(LOAD)).withScaleUp(new ScalingRules(
                Duration.ofSeconds(60), ScalingRules.Select.MAX, List.of(ScalingPolicy.percent(900, Duration.ofSeconds(15))))));
        assertThat(a.decide(2, recommending(2, 2)).desired()).isEqualTo(2);
        clock.advance(Duration.ofSeconds(20));
        Decision spike = a.decide(2, recommending(8, 2));
        assertThat(spike.desired()).as("2 was recommended 20 s ago").isEqualTo(2);
        assertThat(spike.rule()).isEqualTo("ScaleUpStabilized");
        clock.advance(Duration.ofSeconds(41));
        assertThat(a.decide(2, recommending(8, 2)).desired()).as("the window holds only 8s now").isEqualTo(8);
    }

    @Test
    void boundsInvalidMetricsAndZeroReplicasFollowTheController() {
        MetricTarget cpu = MetricTarget.utilization("cpu", 50);
        Autoscaler a = scaler(AutoscalerPolicy.of(2, 10, List.of(LOAD, cpu)));

        assertThat(a.decide(12, Map.of()).desired()).as("above max: to max at once").isEqualTo(10);
        assertThat(a.decide(1, Map.of()).desired()).as("below min: to min at once").isEqualTo(2);

        Decision noDown = a.decide(6, recommending(3, 6));
        assertThat(noDown.rule()).isEqualTo("InvalidMetrics");
        assertThat(noDown.desired()).as("cpu unreadable: no scale-down").isEqualTo(6);
        assertThat(noDown.proposals()).extracting(Proposal::metric).containsExactly("load", "cpu");

        clock.advance(Duration.ofMinutes(1));
        assertThat(a.decide(6, recommending(9, 6)).desired()).as("scale-up still allowed").isEqualTo(9);

        Decision none = a.decide(6, Map.of());
        assertThat(none.rule()).isEqualTo("InvalidMetrics");
        assertThat(none.desired()).isEqualTo(6);

        Decision zero = a.decide(0, recommending(5, 1));
        assertThat(zero.rule()).isEqualTo("ScalingDisabled");
        assertThat(zero.desired()).isZero();
    }

    @Test
    void theLargestProposalWinsAndEveryProposalIsExplained() {
        MetricTarget waiting = MetricTarget.averageValue("waiting_jobs", 100);
        Autoscaler a = scaler(AutoscalerPolicy.of(1, 50, List.of(LOAD, waiting)));
        Decision d = a.decide(4, Map.of("load", new Observation.Total(60, 4), "waiting_jobs", new Observation.Total(1200, 4)));
        assertThat(d.proposals()).extracting(Proposal::replicas).containsExactly(24, 12);
        assertThat(d.recommended()).isEqualTo(24);
        assertThat(d.desired()).as("max(4 + 4, 4 × 2) this period").isEqualTo(8);
        assertThat(d.explanation()).contains("metrics recommend 24").contains("scale-up policies allow 8").contains("4 → 8");
    }

    @Test
    void aDecisionThatCouldNotBeAppliedDoesNotCountAgainstTheRate() {
        Autoscaler a = scaler(AutoscalerPolicy.of(1, 100, List.of(LOAD)));
        Decision d = a.decide(4, recommending(40, 4));
        assertThat(d.desired()).isEqualTo(8);
        a.notApplied(d);
        clock.advance(Duration.ofSeconds(1));
        assertThat(a.decide(4, recommending(40, 4)).desired()).as("the period still starts at 4").isEqualTo(8);
    }
}
