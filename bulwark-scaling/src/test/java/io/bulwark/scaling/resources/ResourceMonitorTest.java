package io.bulwark.scaling.resources;

import io.bulwark.core.health.HealthStatus;
import io.bulwark.core.time.SettableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The monitor over the live JVM (figures are real), driven by hand; history bounds; limits. */
class ResourceMonitorTest {

    private final SettableClock clock = SettableClock.at(Instant.parse("2026-12-04T10:00:00Z"));

    @TempDir
    Path dir;

    @Test
    void samplesTheLiveProcessWithSaneFiguresAndRatesFromTheSecondSample() {
        ResourceSampler sampler = ResourceSampler.system(clock);
        ResourceSnapshot first = sampler.sample();
        assertThat(first.heapUsedBytes()).isPositive();
        assertThat(first.threads()).isPositive();
        assertThat(first.cpuLimitCores()).isPositive();
        assertThat(first.memoryLimitBytes()).isPositive();
        assertThat(first.rssBytes()).as("OSHI reads the RSS on Linux").isPositive();
        assertThat(first.openFds()).isPositive();
        assertThat(first.gcPausePerSec()).as("no rate without a previous sample").isZero();

        byte[][] garbage = new byte[2000][];
        for (int i = 0; i < garbage.length; i++) {
            garbage[i] = new byte[64 * 1024];
        }
        System.gc();
        clock.advance(Duration.ofSeconds(1));
        ResourceSnapshot second = sampler.sample();
        assertThat(second.gcPausePerSec()).isGreaterThanOrEqualTo(0);
        assertThat(second.at()).isEqualTo(first.at().plusSeconds(1));
        assertThat(garbage[1999]).hasSize(64 * 1024);
    }

    @Test
    void theHistoryKeepsTheLastSamplesOnlyAndAnswersSince() {
        ResourceHistory history = new ResourceHistory(3);
        ResourceSampler sampler = ResourceSampler.system(clock);
        List<Instant> times = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ResourceSnapshot s = sampler.sample();
            history.add(s);
            times.add(s.at());
            clock.advance(Duration.ofSeconds(10));
        }
        assertThat(history.all()).extracting(ResourceSnapshot::at).containsExactly(times.get(2), times.get(3), times.get(4));
        assertThat(history.since(times.get(3))).extracting(ResourceSnapshot::at).containsExactly(times.get(4));
        assertThat(history.latest()).get().extracting(ResourceSnapshot::at).isEqualTo(times.get(4));
        assertThatThrownBy(() -> new ResourceHistory(0)).hasMessageContaining("capacity must be between 1 and 100000");
    }

    @Test
    void aBreachedLimitTurnsHealthDegradedAndClearsWhenBackUnder() throws Exception {
        // A fixture cgroup makes the container's memory limit whatever the test says.
        Files.createDirectories(dir.resolve("memory"));
        Path limit = Files.writeString(dir.resolve("memory/memory.limit_in_bytes"), "1048576\n"); // 1 MiB: always over
        Path self = Files.writeString(dir.resolve("self"), "4:memory:/\n");
        ResourceMonitor monitor = new ResourceMonitor(new ResourceSampler(clock, new CgroupReader(dir, self)),
                new ResourceHistory(10), new ResourceLimits(Map.of("memory.percent", 90.0)), Duration.ofSeconds(1));
        List<ResourceSnapshot> heard = new ArrayList<>();
        monitor.addListener(heard::add);

        monitor.sampleNow();
        assertThat(monitor.breaches()).singleElement().satisfies(b -> assertThat(b.figure()).isEqualTo("memory.percent"));
        var degraded = monitor.healthCheck().check();
        assertThat(degraded.status()).isEqualTo(HealthStatus.DEGRADED);
        assertThat(degraded.details().get("exceeded").toString()).contains("memory.percent");
        assertThat(monitor.healthCheck().readiness()).isFalse();

        Files.writeString(limit, String.valueOf(1L << 50)); // 1 PiB
        clock.advance(Duration.ofSeconds(1));
        monitor.sampleNow();
        assertThat(monitor.breaches()).isEmpty();
        assertThat(monitor.healthCheck().check().status()).isEqualTo(HealthStatus.UP);
        assertThat(heard).hasSize(2);
    }

    @Test
    void aLimitOnAnUnknownFigureIsRefusedListingTheFigures() {
        assertThatThrownBy(() -> new ResourceLimits(Map.of("heap.procent", 90.0)))
                .hasMessageContaining("'heap.procent', which is not a figure").hasMessageContaining("heap.percent");
    }
}
