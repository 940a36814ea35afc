package io.bulwark.resilience.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.core.time.SettableClock;
import io.bulwark.resilience.breaker.CircuitBreaker.State;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class HalfOpenProbePropertiesTest {

    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);

    /**
     * Random interleavings of probe acquisitions, returns (success or release, of any outstanding
     * probe, expired ones included) and clock steps: the probes truly in flight and not yet
     * expired never exceed permittedCallsInHalfOpen.
     */
    @Property(tries = 500)
    void neverMoreThanThePermittedProbesInFlight(@ForAll @IntRange(min = 1, max = 4) int permitted,
                                                 @ForAll @Size(max = 300) List<@IntRange(min = 0, max = 3999) Integer> ops) {
        SettableClock clock = SettableClock.at(Instant.parse("2026-01-01T00:00:00Z"));
        CircuitBreaker b = CircuitBreaker.of("p", CircuitBreakerConfig.builder()
                .minimumNumberOfCalls(1).consecutiveFailureThreshold(1)
                .waitDurationInOpen(Duration.ofSeconds(1))
                .permittedCallsInHalfOpen(permitted)
                .successesToClose(10_000) // stay half-open for the whole run
                .probeTimeout(PROBE_TIMEOUT).build(), clock);
        b.tryAcquirePermission();
        b.onError(1, new IOException("trip"));
        clock.advance(Duration.ofSeconds(1));
        List<Instant> inFlight = new ArrayList<>();
        assertThat(b.tryAcquirePermission()).isTrue();
        inFlight.add(clock.instant());

        for (int op : ops) {
            int kind = op % 4;
            int arg = op / 4;
            switch (kind) {
                case 0, 1 -> {
                    if (b.tryAcquirePermission()) {
                        inFlight.add(clock.instant());
                        assertThat(live(inFlight, clock.instant())).isLessThanOrEqualTo(permitted);
                    }
                }
                case 2 -> {
                    if (!inFlight.isEmpty()) {
                        inFlight.remove(arg % inFlight.size());
                        if (arg % 2 == 0) {
                            b.onSuccess(1_000);
                        } else {
                            b.releasePermission();
                        }
                    }
                }
                default -> clock.advance(Duration.ofMillis(arg * 7L));
            }
            assertThat(b.state()).isEqualTo(State.HALF_OPEN);
        }
    }

    private static long live(List<Instant> inFlight, Instant now) {
        return inFlight.stream().filter(start -> Duration.between(start, now).compareTo(PROBE_TIMEOUT) < 0).count();
    }
}
