package io.bulwark.core.health;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/** How the overall verdict follows from the checks. */
class HealthReportTest {

    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void stopExecutor() {
        executor.shutdownNow();
    }

    /**
     * Each check is written {@code name:STATUS}, with a {@code !} after the name for one that
     * does not gate readiness.
     */
    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', textBlock = """
            store:UP disk:UP memory!:UP                  | HEALTHY
            store:UP disk:DEGRADED memory!:UP            | DEGRADED
            store:UP disk:UP memory!:DEGRADED            | DEGRADED
            store:UP disk:UP memory!:DOWN                | DEGRADED
            store:DOWN disk:UP memory!:UP                | UNHEALTHY
            store:UP disk:DEGRADED memory!:DOWN          | DEGRADED
            store:DEGRADED disk:DOWN memory!:UP          | UNHEALTHY
            store:DOWN disk:DOWN memory!:DOWN            | UNHEALTHY
            memory!:DOWN store:DOWN                      | UNHEALTHY
            """)
    void overallStatusFollowsTheWorstCheckWithOnlyReadinessDownBeingUnhealthy(String checks,
                                                                               HealthReport.Overall expected) {
        HealthChecks health = new HealthChecks(executor, Duration.ofSeconds(5), System::nanoTime);
        for (String spec : checks.trim().split("\\s+")) {
            String[] parts = spec.split(":");
            HealthStatus status = HealthStatus.valueOf(parts[1]);
            health.register(parts[0].endsWith("!")
                    ? Checks.notGatingReadiness(parts[0].substring(0, parts[0].length() - 1), status)
                    : Checks.gatingReadiness(parts[0], status));
        }

        assertThat(health.run().status()).isEqualTo(expected);
    }

    @Test
    void failingReadinessListsOnlyReadinessChecksThatAreDown() {
        List<HealthReport.Check> checks = new ArrayList<>();
        checks.add(check("store", HealthStatus.DOWN, true));
        checks.add(check("disk", HealthStatus.DEGRADED, true));
        checks.add(check("memory", HealthStatus.DOWN, false));
        checks.add(check("broker", HealthStatus.DOWN, true));
        checks.add(check("cache", HealthStatus.UP, true));

        HealthReport report = HealthReport.of(checks);

        assertThat(report.status()).isEqualTo(HealthReport.Overall.UNHEALTHY);
        assertThat(report.failingReadiness()).extracting(HealthReport.Check::name).containsExactly("store", "broker");
        assertThat(report.checks()).hasSize(5);
    }

    @Test
    void aNonReadinessDownCheckDegradesButLeavesTheNodeReady() {
        HealthReport report = HealthReport.of(List.of(check("store", HealthStatus.UP, true),
                check("memory", HealthStatus.DOWN, false)));

        assertThat(report.status()).isEqualTo(HealthReport.Overall.DEGRADED);
        assertThat(report.failingReadiness()).isEmpty();
    }

    private static HealthReport.Check check(String name, HealthStatus status, boolean readiness) {
        return new HealthReport.Check(name, status, readiness, Map.of(), Duration.ZERO);
    }
}
