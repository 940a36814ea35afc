package io.bulwark.bench.soak;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class GoalTest {

    private static LatencyWindow.Summary window(double p99) {
        return new LatencyWindow.Summary(0, 60, new LatencyStats(100, 0, 10, 1, p99, p99), Map.of());
    }

    private static Growth growth(String name, double percent, boolean judged) {
        return new Growth(name, "MiB", 180, 60, 100.0, 100 + percent, percent, percent * 2, judged, null);
    }

    @Test
    void passesWhenEveryJudgedResourceGrowsLessThanTheGoalAndP99IsStable() {
        SoakReport.Verdict v = Goal.judge(List.of(growth("RSS", 9.9, true), growth("OS threads", 50, false)),
                window(4.0), window(5.9), 0, 10, 1.5);

        assertThat(v.pass()).isTrue();
        assertThat(v.reasons()).contains("RSS: +9.9% (goal < 10%): met");
    }

    @Test
    void failsOnGrowthOnAP99RiseAndOnAnyErrorAfterTheWarmUp() {
        assertThat(Goal.judge(List.of(growth("RSS", 10.0, true)), window(4), window(4), 0, 10, 1.5).pass()).isFalse();
        assertThat(Goal.judge(List.of(growth("RSS", 1, true)), window(4), window(6.1), 0, 10, 1.5).pass()).isFalse();
        SoakReport.Verdict errors = Goal.judge(List.of(growth("RSS", 1, true)), window(4), window(4), 3, 10, 1.5);
        assertThat(errors.pass()).isFalse();
        assertThat(errors.reasons()).contains("failed requests after the warm-up: 3: MISSED");
    }

    @Test
    void aWindowWithoutSuccessesIsNotStable() {
        LatencyWindow.Summary empty = new LatencyWindow.Summary(0, 60, new LatencyStats(0, 50, 0, 0, 0, 0), Map.of());

        assertThat(Goal.p99Ratio(window(4), empty)).isNull();
        assertThat(Goal.judge(List.of(), window(4), empty, 0, 10, 1.5).pass()).isFalse();
    }
}
