package io.bulwark.bench.http;

import io.bulwark.bench.Machine;
import io.bulwark.core.json.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Everything one {@code http} run measured, in the shape stored as a JSON baseline
 * ({@code --json FILE}). Times are milliseconds, memory is bytes; {@code null} means "not
 * measured" (RSS off Linux).
 *
 * @param schema the version of this shape, raised when a field changes meaning
 * @param bulwarkVersion the version the harness was built with
 * @param measuredAt when the run ended
 * @param machine where it ran
 * @param busyBefore the fraction of all cores busy during the second before the first start; null off Linux
 * @param settings how it was run
 * @param startToReadyMs each start's time from fork to the first 200 from {@code /health/ready}
 * @param startToReadyMinMs the fastest of those
 * @param startToReadyMedianMs their median
 * @param startCpu where the CPU went during each start (averaged over the start); entries are null off Linux
 * @param idleRssBytes RSS a few seconds after ready, before any load
 * @param scenarios one result per endpoint
 * @param rssAfterLoadBytes RSS right after the last scenario
 * @param exitCodes each server's exit code after SIGTERM, in start order
 * @param stopMs how long the last server took from SIGTERM to exit
 */
public record HttpBenchReport(int schema, String bulwarkVersion, Instant measuredAt, Machine machine,
                              Double busyBefore, Settings settings,
                              List<Double> startToReadyMs, double startToReadyMinMs, double startToReadyMedianMs,
                              List<CpuShare> startCpu,
                              Long idleRssBytes, List<ScenarioResult> scenarios, Long rssAfterLoadBytes,
                              List<Integer> exitCodes, double stopMs) {

    /** The goals this harness checks; docs/benchmarks.md states them beside the figures. */
    public static final double START_TO_READY_GOAL_MS = 1500;
    public static final long IDLE_RSS_GOAL_BYTES = 200L * 1024 * 1024;

    /**
     * How the run was set up.
     *
     * @param jar the {@code bulwark.jar} measured
     * @param clients concurrent clients per scenario
     * @param warmupSeconds discarded load before each measurement
     * @param durationSeconds measured load per scenario
     * @param idleSeconds wait between ready and the idle RSS reading
     * @param jvmArgs JVM options given to the server ({@code --jvm-arg})
     * @param serveArgs extra {@code serve} flags ({@code --server-arg}); empty means the defaults
     */
    public record Settings(String jar, int clients, double warmupSeconds, double durationSeconds, double idleSeconds,
                           List<String> jvmArgs, List<String> serveArgs) {
    }

    /**
     * The most CPU other processes took during any start or measured interval, in cores: above
     * about a quarter of a core the figures are pessimistic and should not become a baseline.
     */
    public double maxOtherCores() {
        return Stream.concat(startCpu.stream(), scenarios.stream().map(ScenarioResult::cpu))
                .filter(Objects::nonNull)
                .mapToDouble(CpuShare::otherCores).max().orElse(0);
    }

    /** True when every request succeeded and every server exited 0 after SIGTERM. */
    public boolean clean() {
        return scenarios.stream().allMatch(s -> s.latency().errors() == 0) && exitCodes.stream().allMatch(c -> c == 0);
    }

    /** Writes the report as pretty JSON, creating parent directories. */
    public void writeJson(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.write(file, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(this));
    }
}
