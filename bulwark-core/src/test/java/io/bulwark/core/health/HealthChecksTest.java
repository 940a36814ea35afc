package io.bulwark.core.health;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.tuple;

class HealthChecksTest {

    /** A fake monotonic clock: it moves only when a check moves it. */
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void stopExecutor() {
        executor.shutdownNow();
    }

    private HealthChecks health(Duration timeout) {
        return new HealthChecks(executor, timeout, nanos::get);
    }

    @Test
    void allUpIsHealthyWithEachChecksDetailsAndLatencyOnTheInjectedClock() {
        HealthChecks health = health(Duration.ofSeconds(5));
        health.register(HealthCheck.of("store", () -> {
            nanos.addAndGet(Duration.ofMillis(7).toNanos());
            return HealthResult.up(Map.of("pingMs", 7));
        }));
        health.register(HealthCheck.of("disk", () -> HealthResult.up(Map.of())));

        HealthReport report = health.run();

        assertThat(report.status()).isEqualTo(HealthReport.Overall.HEALTHY);
        assertThat(report.failingReadiness()).isEmpty();
        assertThat(report.checks()).extracting(HealthReport.Check::name).containsExactly("store", "disk");
        HealthReport.Check store = report.checks().get(0);
        assertThat(store.status()).isEqualTo(HealthStatus.UP);
        assertThat(store.readiness()).isTrue();
        assertThat(store.details()).containsExactly(Map.entry("pingMs", 7));
        assertThat(store.latency()).isEqualTo(Duration.ofMillis(7));
    }

    @Test
    void aCheckThatThrowsIsDownWithTheExceptionsMessage() {
        HealthChecks health = health(Duration.ofSeconds(5));
        health.register(HealthCheck.of("store", () -> {
            throw new IllegalStateException("connection refused");
        }));

        HealthReport report = health.run();

        assertThat(report.checks()).singleElement().satisfies(c -> {
            assertThat(c.status()).isEqualTo(HealthStatus.DOWN);
            assertThat(c.details()).containsEntry("error", "IllegalStateException: connection refused");
        });
        assertThat(report.status()).isEqualTo(HealthReport.Overall.UNHEALTHY);
    }

    @Test
    void aCheckThatReturnsNothingIsDown() {
        HealthChecks health = health(Duration.ofSeconds(5));
        health.register(HealthCheck.of("lazy", () -> null));

        assertThat(health.run().checks()).singleElement().satisfies(c -> {
            assertThat(c.status()).isEqualTo(HealthStatus.DOWN);
            assertThat(c.details()).containsEntry("error", "the check returned no result");
        });
    }

    @Test
    void aBlockedCheckIsDownAsTimedOutAndInterruptedWhileTheOthersStillReport() throws InterruptedException {
        CountDownLatch never = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        HealthChecks health = health(Duration.ofMillis(100));
        health.register(HealthCheck.of("stuck", () -> {
            try {
                never.await();
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
            return HealthResult.up(Map.of());
        }));
        health.register(HealthCheck.of("fine", () -> HealthResult.up(Map.of())));
        health.register(Checks.notGatingReadiness("memory", HealthStatus.DEGRADED));

        HealthReport report = health.run();

        assertThat(report.checks()).extracting(HealthReport.Check::name, HealthReport.Check::status)
                .containsExactly(tuple("stuck", HealthStatus.DOWN),
                        tuple("fine", HealthStatus.UP),
                        tuple("memory", HealthStatus.DEGRADED));
        HealthReport.Check stuck = report.checks().get(0);
        assertThat(stuck.details()).containsEntry("error", "timed out after 100ms");
        assertThat(stuck.latency()).isEqualTo(Duration.ofMillis(100));
        assertThat(report.status()).isEqualTo(HealthReport.Overall.UNHEALTHY);
        assertThat(report.failingReadiness()).extracting(HealthReport.Check::name).containsExactly("stuck");
        assertThat(interrupted.await(10, TimeUnit.SECONDS)).as("the timed-out check is interrupted").isTrue();
    }

    @Test
    void checksRunConcurrently() {
        int n = 8;
        CountDownLatch allStarted = new CountDownLatch(n);
        HealthChecks health = health(Duration.ofSeconds(30));
        for (int i = 0; i < n; i++) {
            health.register(HealthCheck.of("check-" + i, () -> {
                allStarted.countDown();
                // Passes only when every check is running at the same time.
                return allStarted.await(20, TimeUnit.SECONDS) ? HealthResult.up(Map.of()) : HealthResult.down(Map.of());
            }));
        }

        HealthReport report = health.run();

        assertThat(report.checks()).hasSize(n).allSatisfy(c -> assertThat(c.status()).isEqualTo(HealthStatus.UP));
    }

    @Test
    void theReportReflectsEachRunNotTheFirst() {
        AtomicLong calls = new AtomicLong();
        HealthChecks health = health(Duration.ofSeconds(5));
        health.register(HealthCheck.of("flaky", () ->
                calls.incrementAndGet() == 1 ? HealthResult.down(Map.of()) : HealthResult.up(Map.of())));

        assertThat(health.run().status()).isEqualTo(HealthReport.Overall.UNHEALTHY);
        assertThat(health.run().status()).isEqualTo(HealthReport.Overall.HEALTHY);
    }

    @Test
    void registeringASecondCheckWithTheSameNameThrows() {
        HealthChecks health = health(Duration.ofSeconds(5));
        health.register(HealthCheck.of("store", () -> HealthResult.up(Map.of())));

        assertThatIllegalArgumentException()
                .isThrownBy(() -> health.register(HealthCheck.of("store", () -> HealthResult.down(Map.of()))))
                .withMessage("a health check named 'store' is already registered");
        assertThat(health.checks()).hasSize(1);
    }

    @Test
    void theTimeoutMustBePositive() {
        assertThatIllegalArgumentException().isThrownBy(() -> health(Duration.ZERO));
        assertThatIllegalArgumentException().isThrownBy(() -> health(Duration.ofMillis(-1)));
    }

    @Test
    void noChecksIsHealthy() {
        assertThat(health(Duration.ofSeconds(1)).run().status()).isEqualTo(HealthReport.Overall.HEALTHY);
    }
}
