package io.bulwark.providers;

import io.bulwark.providers.degradation.DegradationEpisode;
import io.bulwark.providers.degradation.DegradationState;
import io.bulwark.providers.degradation.DegradationTrigger;
import io.bulwark.providers.degradation.Finding;
import io.bulwark.test.http.FlakyServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.bulwark.providers.ProviderFixture.provider;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code error-rate} and {@code latency} degradation triggers, driven by hand: calls are
 * recorded straight into a provider's stats, the settable clock moves the window, and
 * {@link ProviderGroup#evaluate()} is called as the server's tick would.
 */
class ErrorRateAndLatencyTriggerTest {

    private final FlakyServer a = FlakyServer.start("a");
    private final FlakyServer b = FlakyServer.start("b");
    private final ProviderFixture f = new ProviderFixture();

    @AfterEach
    void close() {
        a.close();
        b.close();
        f.close();
    }

    /** Group "g" of pa and pb with one trigger: window 1m, at least 10 calls, 50% error rate, 2s p95. */
    private ProviderGroup group(String trigger) {
        f.apply(new GroupSpec("g", null, List.of(provider("pa", a), provider("pb", b)), List.of("pa", "pb"),
                new DegradationSpec(List.of(trigger), 50.0, "2s", "1m", 10, List.of("fallback", "error"), "1m",
                        null, null)));
        return f.group("g");
    }

    private ProviderStats stats(String provider) {
        return f.providers.provider(provider).orElseThrow().stats();
    }

    private static void record(ProviderStats stats, int calls, Duration latency, boolean error) {
        for (int i = 0; i < calls; i++) {
            stats.record(latency.toNanos(), error);
        }
    }

    private static final Duration FAST = Duration.ofMillis(100);

    @Test
    void errorRateDoesNotTriggerBelowTheMinimumCallsWhateverTheRate() {
        ProviderGroup g = group("error-rate");
        record(stats("pa"), 9, FAST, true);

        assertThat(g.evaluate().degraded()).isFalse();
    }

    @Test
    void errorRateTriggersOnlyAboveTheThresholdAndNamesTheProvider() {
        ProviderGroup g = group("error-rate");
        record(stats("pa"), 5, FAST, false);
        record(stats("pa"), 5, FAST, true);
        record(stats("pb"), 20, FAST, false);

        assertThat(g.evaluate().degraded()).as("50%% of 10 calls is not above 50%%").isFalse();

        record(stats("pa"), 1, FAST, true); // 6 of 11: 55%
        DegradationState s = g.evaluate();

        assertThat(s.degraded()).isTrue();
        assertThat(s.findings()).singleElement().satisfies(finding -> {
            assertThat(finding.trigger()).isEqualTo(DegradationTrigger.ERROR_RATE);
            assertThat(finding.provider()).isEqualTo("pa");
            assertThat(finding.detail()).isEqualTo("error rate 55% over 1m is above 50% (11 calls)");
        });
        assertThat(s.suspects()).containsExactly("pa");
    }

    @Test
    void errorRateRecoversWhenTheRateFallsBackToTheThreshold() {
        ProviderGroup g = group("error-rate");
        record(stats("pa"), 10, FAST, true);
        assertThat(g.evaluate().degraded()).isTrue();
        f.clock.advance(Duration.ofSeconds(5));

        record(stats("pa"), 9, FAST, false); // 10 of 19: still above
        assertThat(g.evaluate().degraded()).isTrue();
        record(stats("pa"), 1, FAST, false); // 10 of 20: at the threshold, not above
        assertThat(g.evaluate().degraded()).isFalse();

        assertThat(g.degradation().history(5)).singleElement()
                .extracting(DegradationEpisode::duration).isEqualTo(java.util.Optional.of(Duration.ofSeconds(5)));
    }

    @Test
    void errorRateRecoversWhenTheWindowEmptiesBecauseTheProviderIsSkipped() {
        ProviderGroup g = group("error-rate");
        record(stats("pa"), 10, FAST, true);
        assertThat(g.evaluate().degraded()).isTrue();

        f.clock.advance(Duration.ofSeconds(50)); // the failures are still within the 1m window
        assertThat(g.evaluate().degraded()).isTrue();
        f.clock.advance(Duration.ofSeconds(20)); // now they are not, and nothing replaced them
        assertThat(stats("pa").window(Duration.ofMinutes(1)).calls()).isZero();
        assertThat(g.evaluate().degraded()).isFalse();
    }

    @Test
    void latencyDoesNotTriggerBelowTheMinimumCallsWhateverTheLatency() {
        ProviderGroup g = group("latency");
        record(stats("pa"), 9, Duration.ofSeconds(9), false);

        assertThat(g.evaluate().degraded()).isFalse();
    }

    @Test
    void latencyTriggersOnlyWhenTheP95IsAboveTheThreshold() {
        ProviderGroup g = group("latency");
        record(stats("pa"), 19, FAST, false);
        record(stats("pa"), 1, Duration.ofSeconds(3), false);
        // 1 slow call of 20 is the p100, not the p95.
        assertThat(g.evaluate().degraded()).isFalse();
        record(stats("pa"), 10, Duration.ofMillis(1900), false); // p95 now 1.9s: under 2s
        assertThat(g.evaluate().degraded()).isFalse();

        record(stats("pa"), 10, Duration.ofSeconds(3), false); // 11 of 40 take 3s: p95 is 3s
        DegradationState s = g.evaluate();

        assertThat(s.degraded()).isTrue();
        Finding finding = s.findings().getFirst();
        assertThat(s.findings()).hasSize(1);
        assertThat(finding.trigger()).isEqualTo(DegradationTrigger.LATENCY);
        assertThat(finding.provider()).isEqualTo("pa");
        assertThat(finding.detail()).startsWith("p95 30").endsWith("ms over 1m is above 2000ms (40 calls)");
    }

    @Test
    void latencyRecoversWhenFastCallsBringTheP95BackUnderTheThreshold() {
        ProviderGroup g = group("latency");
        record(stats("pa"), 10, Duration.ofSeconds(3), false);
        assertThat(g.evaluate().degraded()).isTrue();

        record(stats("pa"), 200, FAST, false); // 10 slow of 210, under 5%: p95 is fast again
        assertThat(g.evaluate().degraded()).isFalse();
    }

    @Test
    void latencyRecoversWhenTheSlowCallsLeaveTheWindow() {
        ProviderGroup g = group("latency");
        record(stats("pa"), 10, Duration.ofSeconds(3), false);
        assertThat(g.evaluate().degraded()).isTrue();
        for (int i = 0; i < 5; i++) {
            f.clock.advance(Duration.ofSeconds(10));
            assertThat(g.evaluate().degraded()).as("still within the window after %ds", (i + 1) * 10).isTrue();
        }

        f.clock.advance(Duration.ofSeconds(20));

        assertThat(g.evaluate().degraded()).isFalse();
    }

    @Test
    void aTriggerThatIsNotConfiguredNeverFires() {
        ProviderGroup g = group("breaker-open");
        record(stats("pa"), 20, Duration.ofSeconds(9), true);

        assertThat(g.evaluate().degraded()).isFalse();
    }
}
