package io.bulwark.bench.http;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class LatencySummaryTest {

    @Test
    void turnsNanosecondLatenciesIntoMillisecondPercentilesAndRate() {
        Histogram h = new Histogram(3);
        // 1..1000 ms, one request each: percentile p sits at p% of 1000 ms.
        for (int ms = 1; ms <= 1000; ms++) {
            h.recordValue(ms * 1_000_000L);
        }

        LatencySummary s = LatencySummary.of(h, 7, Duration.ofSeconds(4));

        assertThat(s.requests()).isEqualTo(1000);
        assertThat(s.errors()).isEqualTo(7);
        assertThat(s.seconds()).isEqualTo(4.0);
        assertThat(s.requestsPerSecond()).isEqualTo(250.0);
        // Three significant digits: values are exact to within 0.1 %.
        assertThat(s.p50Ms()).isCloseTo(500, within(0.5));
        assertThat(s.p90Ms()).isCloseTo(900, within(1.0));
        assertThat(s.p99Ms()).isCloseTo(990, within(1.0));
        assertThat(s.p999Ms()).isCloseTo(999, within(1.0));
        assertThat(s.maxMs()).isCloseTo(1000, within(1.0));
    }

    @Test
    void anIntervalWithoutSuccessesReportsZeroesNotGarbage() {
        LatencySummary s = LatencySummary.of(new Histogram(3), 12, Duration.ofSeconds(1));

        assertThat(s.requests()).isZero();
        assertThat(s.requestsPerSecond()).isZero();
        assertThat(s.p99Ms()).isZero();
        assertThat(s.maxMs()).isZero();
        assertThat(s.errors()).isEqualTo(12);
    }

    @Test
    void rejectsAnEmptyInterval() {
        assertThatThrownBy(() -> LatencySummary.of(new Histogram(3), 0, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("interval must be > 0 but was PT0S");
    }
}
