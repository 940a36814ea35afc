package io.bulwark.scaling.vertical;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class VerticalRecommendationTest {

    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");
    private static final double MIB = 1024 * 1024;

    @Test
    void aPercentileIsTheEndOfTheBucketWhereTheWeightReachesIt() {
        DecayingHistogram h = new DecayingHistogram(DecayingHistogram.Layout.cpuCores(), Duration.ofHours(24));
        assertThat(h.percentile(0.9)).as("empty").isZero();
        for (int i = 1; i <= 100; i++) {
            h.add(i / 100.0, 1, T0); // 0.01 .. 1.00 cores
        }
        assertThat(h.percentile(0.5)).isCloseTo(0.5, within(0.03)).isGreaterThanOrEqualTo(0.5);
        assertThat(h.percentile(0.9)).isCloseTo(0.9, within(0.05)).isGreaterThanOrEqualTo(0.9);
        assertThat(h.percentile(1.0)).isGreaterThanOrEqualTo(1.0);
    }

    @Test
    void olderSamplesWeighHalfPerHalfLife() {
        DecayingHistogram h = new DecayingHistogram(DecayingHistogram.Layout.cpuCores(), Duration.ofHours(24));
        for (int i = 0; i < 100; i++) {
            h.add(1.0, 1, T0);
        }
        for (int i = 0; i < 40; i++) {
            h.add(2.0, 1, T0.plus(Duration.ofHours(48))); // 40 new ones weigh 160 against 100 old
        }
        assertThat(h.percentile(0.5)).as("the newer samples hold the median").isCloseTo(2.0, within(0.11));
        assertThat(h.percentile(0.3)).as("the older ones the lower part").isCloseTo(1.0, within(0.06));

        DecayingHistogram copy = DecayingHistogram.load(DecayingHistogram.Layout.cpuCores(), Duration.ofHours(24), h.save());
        assertThat(copy.percentile(0.5)).isEqualTo(h.percentile(0.5));
        assertThat(copy.percentile(0.3)).isEqualTo(h.percentile(0.3));
    }

    @Test
    void aYearOfSamplesRenormalisesWithoutOverflow() {
        DecayingHistogram h = new DecayingHistogram(DecayingHistogram.Layout.cpuCores(), Duration.ofHours(1));
        for (int d = 0; d < 365; d++) {
            h.add(d < 364 ? 4.0 : 0.5, 1, T0.plus(Duration.ofDays(d)));
        }
        assertThat(h.percentile(0.5)).as("the last day outweighs all before it").isCloseTo(0.5, within(0.03));
    }

    @Test
    void memoryKeepsOnlyEachWindowsPeak() {
        UsageHistory u = new UsageHistory();
        u.add(T0, 0.1, 300 * MIB);
        u.add(T0.plusSeconds(60), 0.1, 900 * MIB);
        u.add(T0.plusSeconds(120), 0.1, 400 * MIB);
        assertThat(u.memory().percentile(0.1)).as("one sample: the peak").isCloseTo(900 * MIB, within(50 * MIB));
        u.add(T0.plus(Duration.ofHours(25)), 0.1, 350 * MIB); // a new window
        assertThat(u.memory().percentile(0.1)).isCloseTo(350 * MIB, within(20 * MIB));
        assertThat(u.samples()).isEqualTo(4);
        UsageHistory copy = UsageHistory.load(u.save());
        assertThat(copy.samples()).isEqualTo(4);
        assertThat(copy.span()).isEqualTo(Duration.ofHours(25));
        assertThat(copy.memory().percentile(0.9)).isEqualTo(u.memory().percentile(0.9));
    }

    @Test
    void eightDaysOfSteadyUseGiveATargetJustAboveItWithTheMargin() {
        UsageHistory u = new UsageHistory();
        for (int m = 0; m < 8 * 24 * 60; m++) {
            u.add(T0.plus(Duration.ofMinutes(m)), m % 10 == 0 ? 0.8 : 0.5, 600 * MIB);
        }
        VerticalRecommendation r = VerticalRecommendation.of(u);
        assertThat(r.confidenceDays()).isCloseTo(8, within(0.01));
        assertThat(r.cpuTarget()).as("p90 of mostly 0.5 cores, +15%").isCloseTo(0.5 * 1.15, within(0.04));
        assertThat(r.cpuUpper()).as("p95 is 0.8, +15%, ×(1 + 1/8)").isCloseTo(0.8 * 1.15 * 1.125, within(0.06));
        assertThat(r.cpuLower()).isCloseTo(0.5 * 1.15, within(0.04)).isLessThanOrEqualTo(r.cpuTarget());
        assertThat(r.memoryTarget()).as("daily peaks of 600 MiB, +15%").isCloseTo(600 * MIB * 1.15, within(40 * MIB));
        assertThat(r.memoryUpper()).isGreaterThan(r.memoryTarget());
    }

    @Test
    void withoutHistoryTheBoundsAreOpenAndSmallUseGetsTheMinimum() {
        VerticalRecommendation none = VerticalRecommendation.of(new UsageHistory());
        assertThat(none.cpuUpper()).isInfinite();
        assertThat(none.cpuLower()).isEqualTo(VerticalRecommendation.MIN_CPU_CORES);
        assertThat(none.memoryTarget()).isEqualTo(VerticalRecommendation.MIN_MEMORY_BYTES);

        UsageHistory idle = new UsageHistory();
        for (int m = 0; m < 120; m++) {
            idle.add(T0.plus(Duration.ofMinutes(m)), 0.002, 50 * MIB);
        }
        VerticalRecommendation r = VerticalRecommendation.of(idle);
        assertThat(r.cpuTarget()).isEqualTo(0.025);
        assertThat(r.memoryTarget()).isEqualTo(250 * MIB);
        assertThat(r.confidenceDays()).as("two hours").isCloseTo(119 / 1440.0, within(0.001));
        assertThat(r.cpuUpper()).as("p95 is the first bucket's end, 0.01, +15%, ×(1 + 1/confidence)")
                .isCloseTo(0.01 * 1.15 * (1 + 1440.0 / 119), within(0.001));
    }
}
