package io.bulwark.core.health;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class MemoryHealthCheckTest {

    private static final long MIB = 1024 * 1024;

    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void stopExecutor() {
        executor.shutdownNow();
    }

    @ParameterizedTest(name = "{0} of {1} MiB, warn above {2}% → {3}")
    @CsvSource({
            "50,  100, 90, UP,       50.0",
            "90,  100, 90, UP,       90.0",
            "91,  100, 90, DEGRADED, 91.0",
            "100, 100, 90, DEGRADED, 100.0",
            "1,   3,   30, DEGRADED, 33.3",
            "0,   100, 1,  UP,       0.0",
    })
    void degradedOnlyAboveTheWarningPercentage(long usedMib, long maxMib, int warn, HealthStatus expected, double percent) {
        MemoryUsage usage = new MemoryUsage(0, usedMib * MIB, maxMib * MIB, maxMib * MIB);

        HealthResult result = new MemoryHealthCheck(warn, () -> usage).check();

        assertThat(result.status()).isEqualTo(expected);
        assertThat(result.details())
                .containsEntry("heapUsedBytes", usedMib * MIB)
                .containsEntry("heapMaxBytes", maxMib * MIB)
                .containsEntry("heapUsedPercent", percent)
                .containsEntry("warnPercent", warn);
    }

    @Test
    void withNoDefinedMaximumTheCommittedHeapIsTheLimit() {
        MemoryUsage usage = new MemoryUsage(0, 80 * MIB, 100 * MIB, -1);

        HealthResult result = new MemoryHealthCheck(75, () -> usage).check();

        assertThat(result.status()).isEqualTo(HealthStatus.DEGRADED);
        assertThat(result.details()).containsEntry("heapMaxBytes", 100 * MIB).containsEntry("heapUsedPercent", 80.0);
    }

    @Test
    void anEmptyHeapIsUp() {
        HealthResult result = new MemoryHealthCheck(50, () -> new MemoryUsage(0, 0, 0, -1)).check();

        assertThat(result.status()).isEqualTo(HealthStatus.UP);
    }

    @Test
    void aFullHeapDegradesTheNodeButNeverFailsReadiness() {
        HealthChecks health = new HealthChecks(executor, Duration.ofSeconds(5), System::nanoTime);
        health.register(new MemoryHealthCheck(50, () -> new MemoryUsage(0, 99 * MIB, 100 * MIB, 100 * MIB)));

        HealthReport report = health.run();

        assertThat(report.checks()).singleElement().satisfies(c -> {
            assertThat(c.name()).isEqualTo("memory");
            assertThat(c.readiness()).isFalse();
            assertThat(c.status()).isEqualTo(HealthStatus.DEGRADED);
        });
        assertThat(report.status()).isEqualTo(HealthReport.Overall.DEGRADED);
        assertThat(report.failingReadiness()).isEmpty();
    }

    @Test
    void readsTheRealHeapByDefault() {
        HealthResult result = new MemoryHealthCheck(100).check();

        assertThat(result.status()).isEqualTo(HealthStatus.UP);
        assertThat((Long) result.details().get("heapUsedBytes")).isPositive();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -5, 101})
    void theWarningPercentageMustBeFromOneToAHundred(int warn) {
        assertThatIllegalArgumentException().isThrownBy(() -> new MemoryHealthCheck(warn))
                .withMessage("warnPercent must be from 1 to 100 but was " + warn);
    }
}
