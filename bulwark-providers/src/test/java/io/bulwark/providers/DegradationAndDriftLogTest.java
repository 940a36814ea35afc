package io.bulwark.providers;

import io.bulwark.core.state.StateStore;
import io.bulwark.core.time.SettableClock;
import io.bulwark.providers.degradation.DegradationTrigger;
import io.bulwark.providers.degradation.Finding;
import io.bulwark.providers.degradation.GroupDegradation;
import io.bulwark.test.http.FlakyServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Degradation episodes and drift are logged once when they start and once when they end, not per evaluation. */
class DegradationAndDriftLogTest {

    private final SettableClock clock = SettableClock.at(Instant.parse("2026-03-01T00:00:00Z"));

    @Test
    void aDegradationEpisodeLogsOneLineOnEntryAndOneWithItsDurationOnRecovery() {
        GroupDegradation d = new GroupDegradation("llm", StateStore.inMemory(clock), new SimpleMeterRegistry());
        List<Finding> findings = List.of(new Finding(DegradationTrigger.ERROR_RATE, "openai",
                "error rate 62% over 1m is above 50% (40 calls)"));
        try (LogCapture log = LogCapture.of(GroupDegradation.class)) {
            for (int i = 0; i < 10; i++) {
                d.observe(List.of()); // normal, evaluated again and again
            }
            for (int i = 0; i < 10; i++) {
                d.observe(findings);
                clock.advance(Duration.ofSeconds(1));
            }
            d.observe(List.of(new Finding(DegradationTrigger.LATENCY, "openai", "p95 9000ms over 1m is above 8000ms")));
            for (int i = 0; i < 10; i++) {
                d.observe(List.of());
            }

            assertThat(log.lines()).hasSize(2);
            assertThat(log.lines().get(0)).isEqualTo("WARN Provider group 'llm' entered degraded mode (trigger "
                    + "error-rate): openai: error-rate (error rate 62% over 1m is above 50% (40 calls)). Its degradation"
                    + " actions apply until an evaluation finds no trigger");
            assertThat(log.lines().get(1)).startsWith("INFO Provider group 'llm' recovered after 10s degraded");
        }
    }

    @Test
    void aManualEpisodeIsLoggedOnceEachWay() {
        GroupDegradation d = new GroupDegradation("llm", StateStore.inMemory(clock), new SimpleMeterRegistry());
        try (LogCapture log = LogCapture.of(GroupDegradation.class)) {
            d.enterManually("provider incident");
            d.observe(List.of());
            d.observe(List.of());
            clock.advance(Duration.ofMinutes(2));
            d.exitManually();
            d.exitManually();

            assertThat(log.lines()).hasSize(2);
            assertThat(log.lines().get(0)).contains("(trigger manual)").contains("provider incident");
            assertThat(log.lines().get(1)).contains("recovered after 2m");
        }
    }

    @Test
    void driftIsLoggedOnceWhenItStartsAndOnceWhenItClears() throws Exception {
        StateStore state = StateStore.inMemory(clock);
        try (FlakyServer upstream = FlakyServer.start("up");
             ProviderFixture f = new ProviderFixture(state, "n1");
             LogCapture log = LogCapture.of(DriftMonitor.class)) {
            f.apply(new GroupSpec("g", null, List.of(ProviderFixture.provider("up", upstream)), null, null));
            ProviderStats stats = f.providers.provider("up").orElseThrow().stats();
            DriftMonitor drift = new DriftMonitor(f.providers, state, new SimpleMeterRegistry(), 2.0,
                    Duration.ofMinutes(1), 5);
            record(stats, 20, Duration.ofMillis(100));
            drift.record("up");

            for (int i = 0; i < 5; i++) {
                drift.check(); // within the baseline
            }
            f.clock.advance(Duration.ofMinutes(2)); // the providers' clock: their windows roll with it
            record(stats, 20, Duration.ofMillis(500));
            for (int i = 0; i < 5; i++) {
                assertThat(drift.check()).containsKey("up");
            }
            f.clock.advance(Duration.ofMinutes(2)); // the providers' clock: their windows roll with it
            record(stats, 20, Duration.ofMillis(100));
            for (int i = 0; i < 5; i++) {
                assertThat(drift.check()).isEmpty();
            }

            assertThat(log.lines()).hasSize(2);
            assertThat(log.lines().get(0)).startsWith("WARN Provider 'up' drifts from its baseline: p50 501ms is 5.0x the baseline 100ms");
            assertThat(log.lines().get(1)).isEqualTo("INFO Provider 'up' is back within 2.0x of its baseline");
        }
    }

    private static void record(ProviderStats stats, int calls, Duration latency) {
        for (int i = 0; i < calls; i++) {
            stats.record(latency.toNanos(), false);
        }
    }
}
