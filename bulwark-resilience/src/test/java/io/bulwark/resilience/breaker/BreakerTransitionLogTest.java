package io.bulwark.resilience.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.core.time.SettableClock;
import io.bulwark.resilience.LogCapture;
import io.bulwark.resilience.breaker.CircuitBreaker.State;
import io.bulwark.resilience.breaker.CircuitBreakerConfig.WindowType;
import io.bulwark.resilience.breaker.internal.BreakerReports;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BreakerTransitionLogTest {

    private static final long MS = 1_000_000L;

    private final SettableClock clock = SettableClock.at(Instant.parse("2026-01-01T00:00:00Z"));
    private final LogCapture log = LogCapture.of(BreakerReports.class);

    @AfterEach
    void close() {
        log.close();
    }

    private CircuitBreaker breaker() {
        return CircuitBreaker.of("payments", CircuitBreakerConfig.builder()
                .slidingWindow(WindowType.COUNT_BASED, 20).minimumNumberOfCalls(20).failureRateThreshold(50)
                .waitDurationInOpen(Duration.ofSeconds(10)).permittedCallsInHalfOpen(2).successesToClose(2)
                .build(), clock);
    }

    private static void record(CircuitBreaker b, int n, boolean fail) {
        for (int i = 0; i < n; i++) {
            if (b.tryAcquirePermission()) {
                if (fail) {
                    b.onError(MS, new IOException("boom"));
                } else {
                    b.onSuccess(MS);
                }
            }
        }
    }

    @Test
    void eachTransitionIsLoggedOnceWithItsReasonWhateverTheCallsInBetween() {
        CircuitBreaker b = breaker();

        record(b, 100, false); // closed, many calls: nothing to log
        assertThat(log.lines()).isEmpty();

        record(b, 10, true); // 10 of the last 20 fail: 50% >= 50%
        assertThat(b.state()).isEqualTo(State.OPEN);
        record(b, 50, true); // refused while open: no further line
        assertThat(b.tryAcquirePermission()).isFalse();

        clock.advance(Duration.ofSeconds(10));
        record(b, 1, false); // the wait elapsed: half-open, first probe succeeds
        record(b, 1, false); // second probe: closed
        assertThat(b.state()).isEqualTo(State.CLOSED);
        record(b, 100, false);

        assertThat(log.lines()).hasSize(3);
        assertThat(log.lines().get(0)).startsWith("WARN Circuit breaker 'payments' CLOSED -> OPEN: failure rate 50.0%"
                + " >= 50.0% over 20 calls");
        assertThat(log.lines().get(1)).startsWith("INFO Circuit breaker 'payments' OPEN -> HALF_OPEN: wait of 10s");
        assertThat(log.lines().get(2)).startsWith("INFO Circuit breaker 'payments' HALF_OPEN -> CLOSED: 2 probes"
                + " succeeded");
    }

    @Test
    void operatorTransitionsAreLoggedOnceEach() {
        CircuitBreaker b = breaker();
        b.forceOpen();
        record(b, 10, true);
        b.reset();

        assertThat(log.lines()).hasSize(2);
        assertThat(log.lines().get(0)).startsWith("WARN Circuit breaker 'payments' CLOSED -> FORCED_OPEN");
        assertThat(log.lines().get(1)).startsWith("INFO Circuit breaker 'payments' FORCED_OPEN -> CLOSED");
    }
}
