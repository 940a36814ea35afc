package io.bulwark.core.health;

import io.bulwark.core.units.DataSize;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** Thresholds chosen around the real free space of a temp dir: none (0) and more than any disk has. */
class DiskSpaceHealthCheckTest {

    private static final DataSize NONE = DataSize.ofBytes(0);
    private static final DataSize MORE_THAN_ANY_DISK = DataSize.ofBytes(Long.MAX_VALUE);

    @TempDir
    Path dir;

    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void stopExecutor() {
        executor.shutdownNow();
    }

    @Test
    void upWhenFreeSpaceIsAboveBothThresholds() throws Exception {
        HealthResult result = new DiskSpaceHealthCheck(dir, NONE, NONE).check();

        assertThat(result.status()).isEqualTo(HealthStatus.UP);
        assertThat(result.details())
                .containsEntry("path", dir.toAbsolutePath().normalize().toString())
                .containsEntry("minFreeBytes", 0L)
                .containsEntry("warnFreeBytes", 0L)
                .containsKeys("freeBytes", "totalBytes");
        assertThat((Long) result.details().get("freeBytes")).isPositive();
    }

    @Test
    void degradedWhenFreeSpaceIsBelowTheWarningButAboveTheMinimum() throws Exception {
        HealthResult result = new DiskSpaceHealthCheck(dir, NONE, MORE_THAN_ANY_DISK).check();

        assertThat(result.status()).isEqualTo(HealthStatus.DEGRADED);
        assertThat(result.details()).containsEntry("warnFreeBytes", Long.MAX_VALUE);
    }

    @Test
    void downWhenFreeSpaceIsBelowTheMinimum() throws Exception {
        HealthResult result = new DiskSpaceHealthCheck(dir, MORE_THAN_ANY_DISK, MORE_THAN_ANY_DISK).check();

        assertThat(result.status()).isEqualTo(HealthStatus.DOWN);
    }

    @Test
    void aLowDiskFailsReadinessThroughTheRegistry() {
        HealthChecks health = new HealthChecks(executor, Duration.ofSeconds(5), System::nanoTime);
        health.register(new DiskSpaceHealthCheck(dir, MORE_THAN_ANY_DISK, MORE_THAN_ANY_DISK));

        HealthReport report = health.run();

        assertThat(report.status()).isEqualTo(HealthReport.Overall.UNHEALTHY);
        assertThat(report.failingReadiness()).extracting(HealthReport.Check::name).containsExactly("diskSpace");
    }

    @Test
    void aMissingPathIsDownNamingTheError() {
        HealthChecks health = new HealthChecks(executor, Duration.ofSeconds(5), System::nanoTime);
        health.register(new DiskSpaceHealthCheck(dir.resolve("gone"), NONE, NONE));

        assertThat(health.run().checks()).singleElement().satisfies(c -> {
            assertThat(c.status()).isEqualTo(HealthStatus.DOWN);
            assertThat(c.details().get("error")).asString().startsWith("NoSuchFileException");
        });
    }

    @Test
    void theWarningThresholdMayNotBeBelowTheMinimum() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new DiskSpaceHealthCheck(dir, DataSize.ofMebibytes(2), DataSize.ofMebibytes(1)))
                .withMessage("warnFree must be >= minFree but was 1MiB < 2MiB");
    }

    @Test
    void isNamedDiskSpaceAndGatesReadiness() {
        DiskSpaceHealthCheck check = new DiskSpaceHealthCheck(dir, NONE, NONE);

        assertThat(check.name()).isEqualTo("diskSpace");
        assertThat(check.readiness()).isTrue();
    }
}
