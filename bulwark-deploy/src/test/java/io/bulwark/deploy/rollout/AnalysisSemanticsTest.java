package io.bulwark.deploy.rollout;

import static io.bulwark.deploy.rollout.AnalysisPhase.ERROR;
import static io.bulwark.deploy.rollout.AnalysisPhase.FAILED;
import static io.bulwark.deploy.rollout.AnalysisPhase.INCONCLUSIVE;
import static io.bulwark.deploy.rollout.AnalysisPhase.RUNNING;
import static io.bulwark.deploy.rollout.AnalysisPhase.SUCCESSFUL;
import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.core.time.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Argo Rollouts' analysis semantics as a table: each row is a metric, the answers the source
 * gives one per tick (a tick every 10s), the phases the run shows after each tick, and the
 * measurement phases recorded.
 */
class AnalysisSemanticsTest {

    private static final String Q = "q";

    static Stream<Arguments> table() {
        return Stream.of(
                row("no conditions: every answer is a success", m(null, null, null, 0), List.of(0.5),
                        List.of(SUCCESSFUL), List.of(SUCCESSFUL)),
                row("success condition holds", m("result >= 0.95", null, null, 0), List.of(0.99),
                        List.of(SUCCESSFUL), List.of(SUCCESSFUL)),
                row("success condition false is a failure (no failure condition)", m("result >= 0.95", null, null, 0), List.of(0.5),
                        List.of(FAILED), List.of(FAILED)),
                row("failure condition false is a success (no success condition)", m(null, "result > 0.05", null, 0), List.of(0.01),
                        List.of(SUCCESSFUL), List.of(SUCCESSFUL)),
                row("both conditions, neither holds: inconclusive", m("result < 0.01", "result > 0.05", null, 0), List.of(0.03),
                        List.of(INCONCLUSIVE), List.of(INCONCLUSIVE)),
                row("both conditions hold: failure wins", m("result > 0", "result > 0.05", null, 0), List.of(0.5),
                        List.of(FAILED), List.of(FAILED)),
                row("count with interval: runs until count, then successful", m("result < 0.05", null, "10s", 3), List.of(0.01, 0.02, 0.03),
                        List.of(RUNNING, RUNNING, SUCCESSFUL), List.of(SUCCESSFUL, SUCCESSFUL, SUCCESSFUL)),
                row("failureLimit 0 (default): the first failure fails the run", m("result < 0.05", null, "10s", 3), List.of(0.01, 0.2, 0.01),
                        List.of(RUNNING, FAILED, FAILED), List.of(SUCCESSFUL, FAILED)),
                row("failureLimit 1: one failure is tolerated", m("result < 0.05", null, "10s", 3).failureLimit(1), List.of(0.01, 0.2, 0.01),
                        List.of(RUNNING, RUNNING, SUCCESSFUL), List.of(SUCCESSFUL, FAILED, SUCCESSFUL)),
                row("failureLimit 1: the second failure fails the run", m("result < 0.05", null, "10s", 4).failureLimit(1), List.of(0.2, 0.01, 0.2),
                        List.of(RUNNING, RUNNING, FAILED), List.of(FAILED, SUCCESSFUL, FAILED)),
                row("failureLimit -1: failures never fail the run", m("result < 0.05", null, "10s", 2).failureLimit(-1), List.of(0.2, 0.2),
                        List.of(RUNNING, SUCCESSFUL), List.of(FAILED, FAILED)),
                row("inconclusiveLimit 1: the second inconclusive ends inconclusive", m("result < 0.01", "result > 0.05", "10s", 3).inconclusiveLimit(1),
                        List.of(0.03, 0.001, 0.03), List.of(RUNNING, RUNNING, INCONCLUSIVE), List.of(INCONCLUSIVE, SUCCESSFUL, INCONCLUSIVE)),
                row("errors do not count; 5 in a row exceed consecutiveErrorLimit 4", m("result < 0.05", null, null, 0),
                        List.of("down", "down", "down", "down", "down"), List.of(RUNNING, RUNNING, RUNNING, RUNNING, ERROR),
                        List.of(ERROR, ERROR, ERROR, ERROR, ERROR)),
                row("an answer after errors resets the streak", m("result < 0.05", null, null, 0).errorLimit(1),
                        List.of("down", 0.01), List.of(RUNNING, SUCCESSFUL), List.of(ERROR, SUCCESSFUL)),
                row("consecutiveErrorLimit 0: the first error ends in error", m("result < 0.05", null, null, 0).errorLimit(0),
                        List.of("down"), List.of(ERROR), List.of(ERROR)),
                row("vector: result[0] indexes the first series", m("result[0] >= 0.95", null, null, 0), List.of(MetricSource.Value.vector(List.of(0.97, 0.1))),
                        List.of(SUCCESSFUL), List.of(SUCCESSFUL)),
                row("vector: len(result) == 0 when no series", m("len(result) == 0", null, null, 0), List.of(MetricSource.Value.vector(List.of())),
                        List.of(SUCCESSFUL), List.of(SUCCESSFUL)),
                row("empty vector indexed: an error measurement", m("result[0] >= 0.95", null, null, 0).errorLimit(0),
                        List.of(MetricSource.Value.vector(List.of())), List.of(ERROR), List.of(ERROR)),
                row("NaN: comparisons are false, isNaN is true", m("result < 0.05 || isNaN(result)", null, null, 0), List.of(Double.NaN),
                        List.of(SUCCESSFUL), List.of(SUCCESSFUL)),
                row("NaN fails a plain threshold", m("result < 0.05", null, null, 0), List.of(Double.NaN),
                        List.of(FAILED), List.of(FAILED)),
                row("NaN fails a >= threshold too", m("result >= 0.95", null, null, 0), List.of(Double.NaN),
                        List.of(FAILED), List.of(FAILED)),
                row("&& of two conditions", m("result > 0.1 && result < 0.2", null, null, 0), List.of(0.15),
                        List.of(SUCCESSFUL), List.of(SUCCESSFUL)),
                row("a condition over a list as a number is an error", m("result < 0.05", null, null, 0).errorLimit(0),
                        List.of(MetricSource.Value.vector(List.of(0.01, 0.02))), List.of(ERROR), List.of(ERROR)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void followsArgoRollouts(String name, M metric, List<Object> answers, List<AnalysisPhase> phases,
                             List<AnalysisPhase> measured) {
        SettableClock clock = SettableClock.at(Instant.parse("2025-01-01T00:00:00Z"));
        FakeSource source = new FakeSource().answer(Q, answers.toArray());
        AnalysisRun run = AnalysisRun.start("t", 0, new AnalysisSpec(List.of(metric.spec())), m -> source, clock);
        for (int i = 0; i < phases.size(); i++) {
            assertThat(run.tick()).as("phase after tick %d", i + 1).isEqualTo(phases.get(i));
            clock.advance(Duration.ofSeconds(10));
        }
        List<Measurement> ms = run.state().metrics().getFirst().measurements();
        assertThat(ms).extracting(Measurement::phase).containsExactlyElementsOf(measured);
        assertThat(ms).allSatisfy(x -> assertThat(x.at()).isNotNull());
        // Once completed, nothing more is measured.
        int before = source.queries;
        run.tick();
        assertThat(source.queries).isEqualTo(before);
    }

    private static Arguments row(String name, M metric, List<?> answers, List<AnalysisPhase> phases, List<AnalysisPhase> measured) {
        return Arguments.of(name, metric, List.copyOf(answers), phases, measured);
    }

    static M m(String success, String failure, String interval, int count) {
        return new M(success, failure, interval == null ? null : io.bulwark.core.units.Durations.parse(interval), count, 0, 0, 4);
    }

    record M(String success, String failure, Duration interval, int count, int failureLimit, int inconclusiveLimit, int errorLimit) {
        M failureLimit(int n) {
            return new M(success, failure, interval, count, n, inconclusiveLimit, errorLimit);
        }

        M inconclusiveLimit(int n) {
            return new M(success, failure, interval, count, failureLimit, n, errorLimit);
        }

        M errorLimit(int n) {
            return new M(success, failure, interval, count, failureLimit, inconclusiveLimit, n);
        }

        MetricSpec spec() {
            return new MetricSpec("m", "prometheus", Map.of(), Q, success, failure, interval, count, failureLimit,
                    inconclusiveLimit, errorLimit, null);
        }

        @Override
        public String toString() {
            return "success=" + success + " failure=" + failure;
        }
    }
}
