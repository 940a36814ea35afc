package io.bulwark.bench.soak;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class GrowthTest {

    @Test
    void comparesTheMeanOfTheFirstMinuteAfterTheStartWithTheLastMinute() {
        // 100 until 5 minutes, then 110: the first minute after a 3-minute warm-up reads 100, the last 110.
        List<Sample> samples = Samples.every(10, 1800, 180, t -> t <= 300 ? 100 : 110);

        Growth g = Growth.of("x", "MiB", samples, 180, 1800, s -> (double) s.resources().jvmThreads(), true);

        assertThat(g.windowSeconds()).isEqualTo(60);
        assertThat(g.first()).isEqualTo(100.0);
        assertThat(g.last()).isEqualTo(110.0);
        assertThat(g.percent()).isCloseTo(10.0, within(1e-9));
        // 10% between window centres 3:35 and 29:35 (26 minutes apart).
        assertThat(g.percentPerHour()).isCloseTo(10.0 / (26.0 / 60), within(1e-9));
        assertThat(g.within(10)).isFalse();
        assertThat(g.within(10.5)).isTrue();
    }

    @Test
    void theWarmUpNeverCounts() {
        List<Sample> samples = Samples.every(10, 600, 180, t -> t <= 180 ? 10 : 100);

        Growth g = Growth.of("x", "MiB", samples, 180, 600, s -> (double) s.resources().jvmThreads(), true);

        assertThat(g.first()).isEqualTo(100.0);
        assertThat(g.percent()).isZero();
    }

    @Test
    void aShortRunUsesHalfTheMeasuredTimeSoThatTheWindowsDoNotOverlap() {
        List<Sample> samples = Samples.every(5, 120, 30, t -> t);

        Growth g = Growth.of("x", "MiB", samples, 30, 120, s -> (double) s.resources().jvmThreads(), true);

        assertThat(g.windowSeconds()).isEqualTo(45);
        assertThat(g.first()).isEqualTo((35 + 40 + 45 + 50 + 55 + 60 + 65 + 70 + 75) / 9.0);
        assertThat(g.last()).isEqualTo((80 + 85 + 90 + 95 + 100 + 105 + 110 + 115 + 120) / 9.0);
    }

    @Test
    void aResourceWhoseMeasurementStartsAfterTheRunIsNotJudged() {
        List<Sample> samples = Samples.every(5, 120, 30, t -> 1);

        Growth g = Growth.of("store size", "MiB", samples, 360, 120, s -> 1.0, true);

        assertThat(g.judged()).isFalse();
        assertThat(g.percent()).isNull();
        assertThat(g.note()).contains("360 s");
        assertThat(g.within(10)).isTrue();
    }

    @Test
    void unreadableSamplesAreLeftOutOfTheMean() {
        List<Sample> samples = Samples.every(10, 600, 0, t -> 100);

        Growth g = Growth.of("x", "MiB", samples, 0, 600, s -> s.seconds() == 20 ? null : 100.0, true);

        assertThat(g.first()).isEqualTo(100.0);
        assertThat(g.judged()).isTrue();
    }

    @Test
    void nothingReadableMeansUnknownNotZero() {
        List<Sample> samples = Samples.every(10, 600, 0, t -> 100);

        Growth g = Growth.of("x", "MiB", samples, 0, 600, s -> null, true);

        assertThat(g.percent()).isNull();
        assertThat(g.judged()).isFalse();
    }

    @Test
    void growthBetweenTwoReadingsIsARateOverTheTimeBetweenThem() {
        Growth g = Growth.between("live heap", "MiB", 120, 20.0, 1800, 22.0, true);

        assertThat(g.percent()).isCloseTo(10.0, within(1e-9));
        assertThat(g.percentPerHour()).isCloseTo(10.0 / (1680.0 / 3600), within(1e-9));
        assertThat(g.judged()).isTrue();
        assertThat(Growth.between("live heap", "MiB", 120, null, 1800, 22.0, true).judged()).isFalse();
    }
}
