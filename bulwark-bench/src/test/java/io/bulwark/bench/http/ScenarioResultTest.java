package io.bulwark.bench.http;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ScenarioResultTest {

    private static LatencySummary requests(long n, double seconds) {
        return new LatencySummary(n, 0, seconds, n / seconds, 1, 2, 3, 4, 5);
    }

    @Test
    void serverCpuPerRequestIsCoresTimesSecondsOverRequests() {
        // 0.5 cores for 10 s = 5 CPU-seconds over 100,000 requests = 50 µs each.
        ScenarioResult r = ScenarioResult.of("s", requests(100_000, 10), new CpuShare(0.5, 1.2, 0), null);

        assertThat(r.serverCpuMicrosPerRequest()).isCloseTo(50.0, within(1e-9));
    }

    @Test
    void noFigureWithoutCpuDataOrRequests() {
        assertThat(ScenarioResult.of("s", requests(100, 1), null, null).serverCpuMicrosPerRequest()).isNull();
        assertThat(ScenarioResult.of("s", requests(0, 1), new CpuShare(0.5, 0, 0), "HTTP 401").serverCpuMicrosPerRequest())
                .isNull();
    }
}
