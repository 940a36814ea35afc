package io.bulwark.resilience.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bulwark.core.time.SettableClock;
import io.bulwark.resilience.breaker.CircuitBreaker.State;
import io.bulwark.resilience.breaker.CircuitBreakerConfig.WindowType;
import io.bulwark.resilience.bulkhead.BulkheadFullException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CircuitBreakerStateMachineTest {

    private static final long MS = 1_000_000L;

    private final SettableClock clock = SettableClock.at(Instant.parse("2026-01-01T00:00:00Z"));

    private CircuitBreaker breaker(CircuitBreakerConfig.Builder config) {
        return CircuitBreaker.of("payments", config.build(), clock);
    }

    private static CircuitBreakerConfig.Builder tenCallsHalfFail() {
        return CircuitBreakerConfig.builder()
                .slidingWindow(WindowType.COUNT_BASED, 10)
                .minimumNumberOfCalls(10)
                .failureRateThreshold(50)
                .waitDurationInOpen(Duration.ofSeconds(10))
                .permittedCallsInHalfOpen(2)
                .successesToClose(2)
                .probeTimeout(Duration.ofSeconds(5));
    }

    private static void fail(CircuitBreaker b, int n) {
        for (int i = 0; i < n; i++) {
            assertThat(b.tryAcquirePermission()).isTrue();
            b.onError(MS, new IOException("boom"));
        }
    }

    private static void succeed(CircuitBreaker b, int n) {
        for (int i = 0; i < n; i++) {
            assertThat(b.tryAcquirePermission()).isTrue();
            b.onSuccess(MS);
        }
    }

    private CircuitBreaker openBreaker() {
        CircuitBreaker b = breaker(tenCallsHalfFail());
        fail(b, 10);
        assertThat(b.state()).isEqualTo(State.OPEN);
        return b;
    }

    @Test
    void staysClosedBelowMinimumNumberOfCallsWhateverTheFailureRate() {
        CircuitBreaker b = breaker(tenCallsHalfFail());
        fail(b, 9);
        assertThat(b.state()).isEqualTo(State.CLOSED);
        assertThat(b.metrics().failureRate()).isEqualTo(-1f);
        assertThat(b.metrics().failedCalls()).isEqualTo(9);
    }

    @Test
    void opensAfterFailureRateOverMinimumCalls() {
        CircuitBreaker b = breaker(tenCallsHalfFail());
        succeed(b, 5);
        fail(b, 4);
        assertThat(b.state()).isEqualTo(State.CLOSED);
        fail(b, 1); // 5 of 10 = 50%
        assertThat(b.state()).isEqualTo(State.OPEN);
        BreakerTransition t = b.history().getLast();
        assertThat(t.from()).isEqualTo(State.CLOSED);
        assertThat(t.to()).isEqualTo(State.OPEN);
        assertThat(t.failureRate()).isEqualTo(50f);
        assertThat(t.reason()).contains("failure rate 50.0% >= 50.0% over 10 calls");
        assertThat(t.at()).isEqualTo(clock.instant());
    }

    @Test
    void staysClosedJustUnderTheFailureRateThreshold() {
        CircuitBreaker b = breaker(tenCallsHalfFail());
        succeed(b, 6);
        fail(b, 4);
        assertThat(b.state()).isEqualTo(State.CLOSED);
        assertThat(b.metrics().failureRate()).isEqualTo(40f);
    }

    @Test
    void opensOnSlowCallRateEvenWhenEveryCallSucceeds() {
        CircuitBreaker b = breaker(tenCallsHalfFail().slowCallDuration(Duration.ofSeconds(2)).slowCallRateThreshold(60));
        for (int i = 0; i < 4; i++) {
            assertThat(b.tryAcquirePermission()).isTrue();
            b.onSuccess(MS);
        }
        for (int i = 0; i < 6; i++) {
            assertThat(b.tryAcquirePermission()).isTrue();
            b.onSuccess(Duration.ofSeconds(3).toNanos());
        }
        assertThat(b.state()).isEqualTo(State.OPEN);
        assertThat(b.history().getLast().reason()).contains("slow-call rate 60.0%");
        assertThat(b.history().getLast().slowCallRate()).isEqualTo(60f);
    }

    @Test
    void opensAfterConsecutiveFailuresEvenBelowMinimumCalls() {
        CircuitBreaker b = breaker(tenCallsHalfFail().minimumNumberOfCalls(100).slidingWindow(WindowType.COUNT_BASED, 100)
                .consecutiveFailureThreshold(3));
        fail(b, 2);
        succeed(b, 1); // breaks the run
        fail(b, 2);
        assertThat(b.state()).isEqualTo(State.CLOSED);
        fail(b, 1);
        assertThat(b.state()).isEqualTo(State.OPEN);
        assertThat(b.history().getLast().reason()).startsWith("3 consecutive failures");
    }

    @Test
    void countWindowForgetsItsOldestOutcomes() {
        CircuitBreaker b = breaker(tenCallsHalfFail());
        fail(b, 4);
        succeed(b, 10); // the 4 failures roll out of the 10-call window
        assertThat(b.metrics().bufferedCalls()).isEqualTo(10);
        assertThat(b.metrics().failedCalls()).isZero();
        fail(b, 4);
        assertThat(b.state()).isEqualTo(State.CLOSED);
        assertThat(b.metrics().failureRate()).isEqualTo(40f);
    }

    @Test
    void timeWindowBucketsExpireAsTheClockMoves() {
        CircuitBreaker b = breaker(tenCallsHalfFail().slidingWindow(WindowType.TIME_BASED, 10).minimumNumberOfCalls(6));
        fail(b, 5);
        clock.advance(Duration.ofSeconds(10)); // those 5 failures are now outside (now-10s, now]
        assertThat(b.metrics().bufferedCalls()).isZero();
        fail(b, 1);
        succeed(b, 5);
        assertThat(b.state()).isEqualTo(State.CLOSED);
        assertThat(b.metrics().failureRate()).isCloseTo(16.7f, org.assertj.core.data.Offset.offset(0.1f));
        clock.advance(Duration.ofSeconds(9)); // still inside
        fail(b, 3);
        assertThat(b.metrics().bufferedCalls()).isEqualTo(9);
        assertThat(b.state()).isEqualTo(State.CLOSED); // 4 of 9 = 44%
        fail(b, 1);
        assertThat(b.state()).isEqualTo(State.OPEN); // 5 of 10 = 50%
    }

    @Test
    void refusesWhileOpenNamingStateRateAndWhenCallsPassAgain() {
        CircuitBreaker b = openBreaker();
        assertThat(b.tryAcquirePermission()).isFalse();
        assertThatThrownBy(() -> b.executeSupplier(() -> "never"))
                .isInstanceOf(CallNotPermittedException.class)
                .hasMessageContaining("'payments' is OPEN")
                .hasMessageContaining("failure rate 100.0%")
                .hasMessageContaining("2026-01-01T00:00:10Z")
                .satisfies(e -> assertThat(((CallNotPermittedException) e).retryAt())
                        .isEqualTo(Instant.parse("2026-01-01T00:00:10Z")));
        assertThat(b.metrics().notPermittedCalls()).isEqualTo(2);
    }

    @Test
    void goesHalfOpenOnlyOnceTheWaitHasElapsed() {
        CircuitBreaker b = openBreaker();
        clock.advance(Duration.ofMillis(9_999));
        assertThat(b.tryAcquirePermission()).isFalse();
        clock.advance(Duration.ofMillis(1));
        assertThat(b.tryAcquirePermission()).isTrue();
        assertThat(b.state()).isEqualTo(State.HALF_OPEN);
    }

    @Test
    void halfOpenAdmitsAtMostThePermittedProbesAtOnce() {
        CircuitBreaker b = openBreaker();
        clock.advance(Duration.ofSeconds(10));
        assertThat(b.tryAcquirePermission()).isTrue();
        assertThat(b.tryAcquirePermission()).isTrue();
        assertThat(b.tryAcquirePermission()).isFalse();
        assertThatThrownBy(() -> b.executeSupplier(() -> 1)).hasMessageContaining("all 2 probe slots are taken");
        b.onSuccess(MS); // frees one slot
        assertThat(b.state()).isEqualTo(State.HALF_OPEN);
        assertThat(b.tryAcquirePermission()).isTrue();
        assertThat(b.tryAcquirePermission()).isFalse();
    }

    @Test
    void aProbeThatNeverReturnsFreesItsSlotAfterProbeTimeout() {
        CircuitBreaker b = openBreaker();
        clock.advance(Duration.ofSeconds(10));
        assertThat(b.tryAcquirePermission()).isTrue();
        assertThat(b.tryAcquirePermission()).isTrue(); // both probes hang forever
        clock.advance(Duration.ofMillis(4_999));
        assertThat(b.tryAcquirePermission()).isFalse();
        clock.advance(Duration.ofMillis(1));
        assertThat(b.tryAcquirePermission()).isTrue();
        assertThat(b.tryAcquirePermission()).isTrue();
        assertThat(b.tryAcquirePermission()).isFalse();
        assertThat(b.state()).isEqualTo(State.HALF_OPEN);
    }

    @Test
    void closesAfterTheConfiguredNumberOfSuccessfulProbes() {
        CircuitBreaker b = openBreaker();
        clock.advance(Duration.ofSeconds(10));
        succeed(b, 1);
        assertThat(b.state()).isEqualTo(State.HALF_OPEN);
        succeed(b, 1);
        assertThat(b.state()).isEqualTo(State.CLOSED);
        assertThat(b.metrics().bufferedCalls()).isZero(); // a fresh window
        assertThat(b.history()).extracting(BreakerTransition::to)
                .containsExactly(State.OPEN, State.HALF_OPEN, State.CLOSED);
        assertThat(b.history().getLast().reason()).isEqualTo("2 probes succeeded in HALF_OPEN");
    }

    @Test
    void oneFailedProbeReopensAndTheWaitGrowsUpToItsMaximum() {
        CircuitBreaker b = breaker(tenCallsHalfFail().waitDurationMultiplier(2.0).maxWaitDuration(Duration.ofSeconds(30)));
        fail(b, 10);
        assertThat(b.metrics().openUntil()).isEqualTo(clock.instant().plusSeconds(10));
        clock.advance(Duration.ofSeconds(10));
        succeed(b, 1);
        fail(b, 1);
        assertThat(b.state()).isEqualTo(State.OPEN);
        assertThat(b.history().getLast().reason()).startsWith("a probe failed in HALF_OPEN");
        assertThat(b.metrics().openUntil()).isEqualTo(clock.instant().plusSeconds(20));
        clock.advance(Duration.ofSeconds(20));
        fail(b, 1);
        assertThat(b.metrics().openUntil()).isEqualTo(clock.instant().plusSeconds(30)); // 40 capped at 30
        clock.advance(Duration.ofSeconds(30));
        succeed(b, 2);
        assertThat(b.state()).isEqualTo(State.CLOSED);
        fail(b, 10);
        assertThat(b.metrics().openUntil()).isEqualTo(clock.instant().plusSeconds(10)); // closing reset the growth
    }

    @Test
    void aSlowProbeCountsAsAFailedProbe() {
        CircuitBreaker b = breaker(tenCallsHalfFail().slowCallDuration(Duration.ofSeconds(1)));
        fail(b, 10);
        clock.advance(Duration.ofSeconds(10));
        assertThat(b.tryAcquirePermission()).isTrue();
        b.onSuccess(Duration.ofSeconds(2).toNanos());
        assertThat(b.state()).isEqualTo(State.OPEN);
    }

    @Test
    void forcedOpenRefusesEverythingUntilReset() {
        CircuitBreaker b = breaker(tenCallsHalfFail());
        b.forceOpen();
        assertThat(b.state()).isEqualTo(State.FORCED_OPEN);
        clock.advance(Duration.ofDays(1));
        assertThat(b.tryAcquirePermission()).isFalse();
        assertThatThrownBy(() -> b.executeSupplier(() -> 1)).hasMessageContaining("FORCED_OPEN")
                .hasMessageContaining("forceClose() or reset()");
        b.reset();
        assertThat(b.state()).isEqualTo(State.CLOSED);
        assertThat(b.tryAcquirePermission()).isTrue();
    }

    @Test
    void forcedClosedLetsEverythingThroughAndRecordsNothing() {
        CircuitBreaker b = breaker(tenCallsHalfFail());
        b.forceClose();
        fail(b, 50);
        assertThat(b.state()).isEqualTo(State.FORCED_CLOSED);
        assertThat(b.metrics().bufferedCalls()).isZero();
        b.disable();
        fail(b, 50);
        assertThat(b.state()).isEqualTo(State.DISABLED);
    }

    @Test
    void resetClearsTheWindowAndKeepsTheHistory() {
        CircuitBreaker b = openBreaker();
        b.reset();
        assertThat(b.state()).isEqualTo(State.CLOSED);
        assertThat(b.metrics().bufferedCalls()).isZero();
        fail(b, 9);
        assertThat(b.state()).isEqualTo(State.CLOSED);
        assertThat(b.history()).extracting(BreakerTransition::reason)
                .last().isEqualTo("reset by an operator");
        assertThat(b.history()).hasSize(2);
    }

    @Test
    void ignoredExceptionsCountAsNeitherAndFreeTheProbeSlot() {
        CircuitBreaker b = breaker(tenCallsHalfFail().ignoreExceptions(IllegalArgumentException.class));
        for (int i = 0; i < 20; i++) {
            assertThat(b.tryAcquirePermission()).isTrue();
            b.onError(MS, new IllegalArgumentException("bad input"));
        }
        assertThat(b.metrics().bufferedCalls()).isZero();
        fail(b, 10);
        clock.advance(Duration.ofSeconds(10));
        assertThat(b.tryAcquirePermission()).isTrue();
        assertThat(b.tryAcquirePermission()).isTrue();
        b.onError(MS, new IllegalArgumentException("bad input"));
        assertThat(b.state()).isEqualTo(State.HALF_OPEN);
        assertThat(b.tryAcquirePermission()).isTrue(); // the ignored probe gave its slot back
        assertThat(b.calls(io.bulwark.resilience.event.BreakerCallRecorded.Outcome.IGNORED)).isEqualTo(21);
    }

    @Test
    void aRejectionByAnotherPolicyIsNotAProviderFailure() {
        CircuitBreaker b = breaker(tenCallsHalfFail());
        for (int i = 0; i < 20; i++) {
            assertThat(b.tryAcquirePermission()).isTrue();
            b.onError(MS, new BulkheadFullException("openai", 1, 1, Duration.ZERO, Duration.ZERO));
        }
        assertThat(b.state()).isEqualTo(State.CLOSED);
        assertThat(b.metrics().bufferedCalls()).isZero();
    }

    @Test
    void aCallCancelledByItsCallerIsNotAProviderFailure() {
        CircuitBreaker b = breaker(tenCallsHalfFail());
        for (int i = 0; i < 20; i++) {
            assertThat(b.tryAcquirePermission()).isTrue();
            b.onError(MS, new java.util.concurrent.CompletionException(new java.util.concurrent.CancellationException()));
        }
        assertThat(b.state()).isEqualTo(State.CLOSED);
        assertThat(b.metrics().bufferedCalls()).isZero();
    }

    @Test
    void anHttp4xxIsNotAFailureButA5xx408Or429Is() {
        record Response(int status) {
        }
        CircuitBreaker b = breaker(tenCallsHalfFail().recordResult(HttpOutcomes.resultFailure(Response.class, Response::status)));
        for (int status : new int[] {400, 401, 403, 404, 409, 422, 200, 201, 301, 304}) {
            assertThat(b.tryAcquirePermission()).isTrue();
            b.onResult(MS, new Response(status));
        }
        assertThat(b.metrics().failedCalls()).isZero();
        for (int status : new int[] {500, 503, 504, 408, 429}) { // 5 of the last 10 calls
            assertThat(b.tryAcquirePermission()).isTrue();
            b.onResult(MS, new Response(status));
        }
        assertThat(b.state()).isEqualTo(State.OPEN);
        assertThat(HttpOutcomes.isFailure(599)).isTrue();
        assertThat(HttpOutcomes.isFailure(499)).isFalse();
        assertThat(HttpOutcomes.isFailure(600)).isFalse();
    }

    @Test
    void recordExceptionDecidesWhatCountsAsFailure() {
        CircuitBreaker b = breaker(tenCallsHalfFail().recordException(e -> e instanceof IOException));
        for (int i = 0; i < 10; i++) {
            assertThat(b.tryAcquirePermission()).isTrue();
            b.onError(MS, new IllegalStateException("a bug, not an outage"));
        }
        assertThat(b.state()).isEqualTo(State.CLOSED);
        assertThat(b.metrics().failedCalls()).isZero();
        assertThat(b.metrics().bufferedCalls()).isEqualTo(10);
    }

    @Test
    void reconfigureKeepsTheInstanceStateAndHistory() {
        CircuitBreaker b = openBreaker();
        b.reconfigure(tenCallsHalfFail().failureRateThreshold(90).build());
        assertThat(b.state()).isEqualTo(State.OPEN);
        assertThat(b.history()).hasSize(1);
        assertThat(b.config().failureRateThreshold()).isEqualTo(90f);
    }

    @Test
    void aListenerThatThrowsDoesNotBreakTheCall() throws Exception {
        CircuitBreaker b = breaker(tenCallsHalfFail());
        java.util.List<Object> seen = new java.util.ArrayList<>();
        b.addListener(e -> {
            throw new IllegalStateException("listener bug");
        });
        b.addListener(seen::add);
        assertThat(b.executeCallable(() -> "ok")).isEqualTo("ok");
        assertThat(seen).hasSize(1);
    }

    @Test
    void theConfigBuilderNamesTheBadValue() {
        assertThatThrownBy(() -> CircuitBreakerConfig.builder().minimumNumberOfCalls(0))
                .hasMessage("minimumNumberOfCalls must be >= 1 but was 0");
        assertThatThrownBy(() -> CircuitBreakerConfig.builder().failureRateThreshold(0))
                .hasMessage("failureRateThreshold must be in (0, 100] but was 0.0");
        assertThatThrownBy(() -> CircuitBreakerConfig.builder().slidingWindow(WindowType.TIME_BASED, 3601))
                .hasMessage("windowSize must be in [1, 3600] but was 3601");
        assertThatThrownBy(() -> CircuitBreakerConfig.builder().maxWaitDuration(Duration.ofSeconds(1)))
                .hasMessageStartingWith("maxWaitDuration must be >= waitDurationInOpen");
    }
}
