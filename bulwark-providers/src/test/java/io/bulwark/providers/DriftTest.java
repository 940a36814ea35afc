package io.bulwark.providers;

import io.bulwark.core.state.StateStore;
import io.bulwark.core.time.SettableClock;
import io.bulwark.test.http.FlakyServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DriftTest {

    private final SettableClock clock = SettableClock.at(Instant.parse("2026-03-01T00:00:00Z"));

    @Test
    void windowPercentilesAndErrorRateComeFromTheBucketsInTheWindow() {
        ProviderStats stats = new ProviderStats(clock, Duration.ofSeconds(10), 7);
        for (int i = 1; i <= 100; i++) {
            stats.record(Duration.ofMillis(i).toNanos(), i > 90);
        }
        clock.advance(Duration.ofSeconds(30));
        stats.record(Duration.ofMillis(500).toNanos(), true);

        ProviderStats.Window recent = stats.window(Duration.ofSeconds(10));
        assertThat(recent.calls()).isEqualTo(1);
        ProviderStats.Window all = stats.window(Duration.ofMinutes(1));
        assertThat(all.calls()).isEqualTo(101);
        assertThat(all.errors()).isEqualTo(11);
        assertThat(all.p50().toMillis()).isBetween(49L, 51L);
        assertThat(stats.series()).hasSize(2);

        clock.advance(Duration.ofMinutes(2));
        assertThat(stats.window(Duration.ofMinutes(1)).calls()).isZero();
    }

    @Test
    void aBaselineFlagsLatencyAndErrorRateBeyondTheFactorOnly() {
        Baseline base = new Baseline("p", clock.instant(), 100, 0.01, Duration.ofMillis(100), Duration.ofMillis(200),
                Duration.ofMillis(300));
        var same = new ProviderStats.Window(Duration.ofMinutes(5), 100, 1, 0.01, Duration.ofMillis(110),
                Duration.ofMillis(210), Duration.ofMillis(390));
        var slow = new ProviderStats.Window(Duration.ofMinutes(5), 100, 1, 0.01, Duration.ofMillis(110),
                Duration.ofMillis(500), Duration.ofMillis(390));
        var failing = new ProviderStats.Window(Duration.ofMinutes(5), 100, 5, 0.05, Duration.ofMillis(100),
                Duration.ofMillis(200), Duration.ofMillis(300));
        var tooFew = new ProviderStats.Window(Duration.ofMinutes(5), 3, 3, 1.0, Duration.ofSeconds(9),
                Duration.ofSeconds(9), Duration.ofSeconds(9));

        assertThat(base.drift(same, 2.0, 10)).isEmpty();
        assertThat(base.drift(slow, 2.0, 10)).singleElement().asString().startsWith("p95 500ms is 2.5x");
        assertThat(base.drift(failing, 2.0, 10)).singleElement().asString().startsWith("error rate 5.0%");
        assertThat(base.drift(tooFew, 2.0, 10)).isEmpty();
    }

    @Test
    void aRecordedBaselineIsKeptAndDriftShowsAsAGauge() throws Exception {
        StateStore state = StateStore.inMemory(clock);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (FlakyServer upstream = FlakyServer.start("up");
             ProviderFixture f = new ProviderFixture(state, "n1")) {
            upstream.succeed("ok");
            f.apply(new GroupSpec("g", null, List.of(ProviderFixture.provider("up", upstream)), null, null));
            DriftMonitor drift = new DriftMonitor(f.providers, state, meters, 2.0, Duration.ofMinutes(1), 5);
            assertThatThrownBy(() -> drift.record("up")).hasMessageContaining("had 0 calls");
            for (int i = 0; i < 5; i++) {
                f.group("g").call(ProviderRequest.post("{}"));
            }
            Baseline b = drift.record("up");
            assertThat(drift.baseline("up")).contains(b);

            upstream.fail(500);
            for (int i = 0; i < 10; i++) {
                assertThatThrownBy(() -> f.group("g").call(ProviderRequest.post("{}")))
                        .isInstanceOf(ProviderGroupException.class);
            }
            Map<String, List<String>> drifted = drift.check();

            assertThat(drifted).containsKey("up");
            assertThat(drifted.get("up")).anyMatch(s -> s.startsWith("error rate"));
            assertThat(meters.get("bulwark.provider.drift").tag("provider", "up").gauge().value()).isEqualTo(1.0);
        }
    }
}
