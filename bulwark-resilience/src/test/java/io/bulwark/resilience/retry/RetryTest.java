package io.bulwark.resilience.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bulwark.core.time.SettableClock;
import io.bulwark.resilience.ResilienceClock;
import io.bulwark.resilience.breaker.CallNotPermittedException;
import io.bulwark.resilience.breaker.CircuitBreaker;
import io.bulwark.resilience.event.ResilienceEvent;
import io.bulwark.resilience.event.RetryAttempted;
import io.bulwark.resilience.event.RetryBudgetExhausted;
import io.bulwark.resilience.event.RetryExhausted;
import io.bulwark.resilience.event.RetrySucceeded;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryTest {

    private final SettableClock clock = SettableClock.at(Instant.parse("2026-01-01T00:00:00Z"));
    private final ResilienceClock clocks = ResilienceClock.of(clock);
    private final List<Duration> slept = new ArrayList<>();
    private final Sleeper sleeper = d -> {
        slept.add(d);
        clock.advance(d);
    };
    private final List<ResilienceEvent> events = new ArrayList<>();

    private Retry retry(RetryConfig.Builder config) {
        Retry r = Retry.builder("openai", config.build()).clock(clocks).sleeper(sleeper)
                .random(new SplittableRandom(42)).build();
        r.addListener(events::add);
        return r;
    }

    private record Response(int status, Duration retryAfter) {
    }

    @Test
    void aCallCanAskForFewerAttemptsThanTheConfigButNeverMore() {
        Retry r = retry(RetryConfig.builder().maxAttempts(4));
        AtomicInteger calls = new AtomicInteger();
        java.util.concurrent.Callable<String> failing = () -> {
            calls.incrementAndGet();
            throw new IOException("down");
        };

        assertThatThrownBy(() -> r.executeCallable(failing, 2)).isInstanceOf(IOException.class);
        assertThat(calls).hasValue(2);
        calls.set(0);
        assertThatThrownBy(() -> r.executeCallable(failing, 10)).isInstanceOf(IOException.class);
        assertThat(calls).as("clamped to the config's maxAttempts").hasValue(4);
        assertThatThrownBy(() -> r.executeCallable(failing, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxAttempts must be >= 1 but was 0");
        assertThat(r.config().maxAttempts()).as("the config itself is untouched").isEqualTo(4);
    }

    @Test
    void retriesUntilAnAttemptSucceeds() throws Exception {
        Retry r = retry(RetryConfig.builder().maxAttempts(3));
        AtomicInteger calls = new AtomicInteger();
        String answer = r.executeCallable(() -> {
            if (calls.incrementAndGet() < 3) {
                throw new IOException("flaky");
            }
            return "ok";
        });
        assertThat(answer).isEqualTo("ok");
        assertThat(calls).hasValue(3);
        assertThat(slept).hasSize(2);
        assertThat(r.calls(Retry.Outcome.SUCCESS_WITH_RETRY)).isEqualTo(1);
        assertThat(events).hasExactlyElementsOfTypes(RetryAttempted.class, RetryAttempted.class, RetrySucceeded.class);
    }

    @Test
    void stopsAtMaxAttemptsAndRethrowsTheLastFailureItself() {
        Retry r = retry(RetryConfig.builder().maxAttempts(3));
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> r.executeCallable(() -> {
            throw new IOException("attempt " + calls.incrementAndGet());
        })).isInstanceOf(IOException.class).hasMessage("attempt 3");
        assertThat(r.calls(Retry.Outcome.FAILED_WITH_RETRY)).isEqualTo(1);
        assertThat(events.getLast()).isInstanceOfSatisfying(RetryExhausted.class,
                e -> assertThat(e.reason()).isEqualTo("maxAttempts 3 reached"));
    }

    @Test
    void returnsTheLastRetryableResultWhenAttemptsRunOut() throws Exception {
        Retry r = retry(RetryConfig.builder().maxAttempts(2).retryOnResult(o -> ((Response) o).status() == 503));
        AtomicInteger calls = new AtomicInteger();
        Response last = r.executeCallable(() -> new Response(503, Duration.ofMillis(calls.incrementAndGet())));
        assertThat(last.retryAfter()).isEqualTo(Duration.ofMillis(2));
        assertThat(calls).hasValue(2);
    }

    @Test
    void doesNotRetryAnOpenBreakerByDefault() {
        CircuitBreaker open = CircuitBreaker.of("openai", io.bulwark.resilience.breaker.CircuitBreakerConfig.ofDefaults(), clock);
        open.forceOpen();
        Retry r = retry(RetryConfig.builder().maxAttempts(5));
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> r.executeCallable(open.decorateCallable(calls::incrementAndGet)))
                .isInstanceOf(CallNotPermittedException.class);
        assertThat(slept).isEmpty();
        assertThat(r.calls(Retry.Outcome.FAILED_WITHOUT_RETRY)).isEqualTo(1);
    }

    @Test
    void doesNotRetryWhatRetryOnExcludes() {
        Retry r = retry(RetryConfig.builder().retryOn(IOException.class));
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> r.executeCallable(() -> {
            calls.incrementAndGet();
            throw new IllegalArgumentException("bad request");
        })).isInstanceOf(IllegalArgumentException.class);
        assertThat(calls).hasValue(1);
    }

    @Test
    void honoursRetryAfterAndCapsItAtMaxRetryAfter() throws Exception {
        Retry r = retry(RetryConfig.builder().maxAttempts(3)
                .backoff(Duration.ofMillis(100), 2, Duration.ofSeconds(1))
                .retryOnResult(o -> ((Response) o).status() == 429)
                .retryAfter(o -> o instanceof Response resp ? Optional.ofNullable(resp.retryAfter()) : Optional.empty())
                .maxRetryAfter(Duration.ofSeconds(5)));
        AtomicInteger calls = new AtomicInteger();
        Response answer = r.executeCallable(() -> switch (calls.incrementAndGet()) {
            case 1 -> new Response(429, Duration.ofSeconds(2));
            case 2 -> new Response(429, Duration.ofMinutes(10));
            default -> new Response(200, null);
        });
        assertThat(answer.status()).isEqualTo(200);
        assertThat(slept).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(5));
    }

    @Test
    void startsNoAttemptThatCannotStartBeforeMaxTotalDuration() {
        Retry r = retry(RetryConfig.builder().maxAttempts(10)
                .backoff(Duration.ofSeconds(1), 1, Duration.ofSeconds(1))
                .retryAfter(o -> Optional.of(Duration.ofSeconds(1)))
                .maxTotalDuration(Duration.ofMillis(3_500)));
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> r.executeCallable(() -> {
            calls.incrementAndGet();
            clock.advance(Duration.ofMillis(100)); // each attempt takes 100ms
            throw new IOException("down");
        })).isInstanceOf(IOException.class);
        // attempts start at 0, 1.1s, 2.2s, 3.3s; the next would start at 4.4s > 3.5s
        assertThat(calls).hasValue(4);
        assertThat(((RetryExhausted) events.getLast()).reason()).contains("could not start before the deadline");
    }

    @Test
    void aCallSiteDeadlineReplacesMaxTotalDuration() {
        Retry r = retry(RetryConfig.builder().maxAttempts(10)
                .retryAfter(o -> Optional.of(Duration.ofSeconds(1)))
                .maxTotalDuration(Duration.ofMinutes(1)));
        AtomicInteger calls = new AtomicInteger();
        Instant deadline = clock.instant().plusMillis(1_500);
        assertThatThrownBy(() -> r.executeCallable(() -> {
            calls.incrementAndGet();
            throw new IOException("down");
        }, deadline)).isInstanceOf(IOException.class);
        assertThat(calls).hasValue(2); // at 0s and 1s; 2s is past the deadline
    }

    @Test
    void whenTheBudgetSaysNoTheLastFailureIsThrownAndAnEventFires() {
        RetryBudget budget = RetryBudget.of("openai", 10, 0, Duration.ofSeconds(10), clocks);
        Retry r = Retry.builder("openai", RetryConfig.builder().maxAttempts(3).build()).clock(clocks)
                .sleeper(sleeper).budget(budget).build();
        r.addListener(events::add);
        for (int i = 0; i < 10; i++) {
            assertThat(r.executeSupplier(() -> "ok")).isEqualTo("ok"); // 10 calls: 1 retry allowed
        }
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> r.executeCallable(() -> {
            throw new IOException("attempt " + calls.incrementAndGet());
        })).hasMessage("attempt 2");
        assertThat(events).hasExactlyElementsOfTypes(RetryAttempted.class, RetryBudgetExhausted.class);
        assertThat(r.budgetExhaustedCount()).isEqualTo(1);
        RetryBudgetExhausted e = (RetryBudgetExhausted) events.getLast();
        assertThat(e.retriesInWindow()).isEqualTo(1);
        assertThat(e.allowed()).isEqualTo(1);
    }

    @Test
    void theBudgetFloorAllowsRetriesWhenTrafficIsLow() {
        RetryBudget budget = RetryBudget.of("openai", 10, 1, Duration.ofSeconds(2), clocks);
        budget.recordCall();
        assertThat(budget.tryAcquireRetry()).isTrue();
        assertThat(budget.tryAcquireRetry()).isTrue();
        assertThat(budget.tryAcquireRetry()).isFalse();
        clock.advance(Duration.ofSeconds(2)); // the window has moved on
        assertThat(budget.tryAcquireRetry()).isTrue();
    }

    @Test
    void anInterruptedWaitStopsRetryingAndKeepsTheInterrupt() {
        Retry r = Retry.builder("openai", RetryConfig.ofDefaults()).clock(clocks).sleeper(d -> {
            throw new InterruptedException("shutdown");
        }).build();
        try {
            assertThatThrownBy(() -> r.executeCallable(() -> {
                throw new IOException("down");
            })).isInstanceOf(IOException.class)
                    .satisfies(e -> assertThat(e.getSuppressed()).hasAtLeastOneElementOfType(InterruptedException.class));
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void theConfigBuilderNamesTheBadValue() {
        assertThatThrownBy(() -> RetryConfig.builder().maxAttempts(0)).hasMessage("maxAttempts must be >= 1 but was 0");
        assertThatThrownBy(() -> RetryConfig.builder().backoff(Duration.ofSeconds(2), 0.5, Duration.ofSeconds(1)))
                .hasMessage("backoff factor must be >= 1.0 and finite but was 0.5");
        assertThatThrownBy(() -> RetryBudget.of("x", 10, 1, Duration.ofMillis(1500), clocks))
                .hasMessageContaining("window must be whole seconds");
    }
}
