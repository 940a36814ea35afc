package io.bulwark.bench.soak;

import io.bulwark.bench.Machine;
import io.bulwark.core.json.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything one soak run measured, in the shape written by {@code --json FILE}. Memory is in
 * bytes in the samples, growth figures in the unit each names; {@code null} means "not measured".
 *
 * @param schema the version of this shape, raised when a field changes meaning
 * @param bulwarkVersion the version the harness was built with
 * @param measuredAt when the run ended
 * @param machine where it ran
 * @param busyBefore the fraction of all cores busy during the second before the server started; null off Linux
 * @param settings how it was run
 * @param calibration the closed-loop capacity measurement, or null when {@code --rate} fixed the rate
 * @param targetPerSecond the open-loop rate the load aimed at
 * @param sentPerSecond the rate it achieved (requests sent over the whole run, warm-up included)
 * @param measured every request after the warm-up, all kinds and each
 * @param firstWindow the first window after the warm-up (a minute, or half the measured time if shorter)
 * @param lastWindow the last window of the run
 * @param p99Ratio the last window's p99 over the first's, all kinds together
 * @param growth each resource's growth from the first window to the last
 * @param firstErrors the first error of each kind that had one (warm-up included)
 * @param liveHeapStartSeconds when the first full GC was forced (in the warm-up, or 0: before the load; -1 with {@code --no-forced-gc})
 * @param liveHeapStartBytes heap used after that full GC ({@code jcmd GC.run}): the live data
 *                           before the measured part; null when jcmd failed
 * @param liveHeapEndBytes the same after a full GC forced once the load had stopped
 * @param oldGcPauses mixed and full pauses during the measured part: when 0, the heap after GC
 *                    includes every object promoted since the forced GC that has died since
 * @param exitCode the server's exit code after SIGTERM
 * @param stopMs how long it took from SIGTERM to exit
 * @param verdict the run against the goal
 * @param samples every interval, warm-up included
 */
record SoakReport(int schema, String bulwarkVersion, Instant measuredAt, Machine machine, Double busyBefore,
                  Settings settings, Calibration.Result calibration, double targetPerSecond, double sentPerSecond,
                  LatencyWindow.Summary measured, LatencyWindow.Summary firstWindow, LatencyWindow.Summary lastWindow,
                  Double p99Ratio, List<Growth> growth, Map<String, String> firstErrors, double liveHeapStartSeconds,
                  Long liveHeapStartBytes, Long liveHeapEndBytes,
                  int oldGcPauses, int exitCode, double stopMs, Verdict verdict, List<Sample> samples) {

    /** The seed's looser goal, reported beside ours: growth under 50% per hour. */
    static final double SEED_GOAL_PERCENT_PER_HOUR = 50;

    /**
     * How the run was set up.
     *
     * @param jar the {@code bulwark.jar} measured
     * @param durationSeconds the open-loop run, warm-up included
     * @param warmupSeconds the first part of it, excluded from growth figures
     * @param intervalSeconds time between samples
     * @param load the fraction of the calibrated capacity offered, or null with a fixed rate
     * @param fixedRate the rate given with {@code --rate}, or null
     * @param calibrationSeconds length of the closed-loop calibration
     * @param calibrationClients requests in flight during the calibration
     * @param providerLatencyMs the fake provider's fixed delay per answer
     * @param retentionSeconds the server's {@code jobs.retention}
     * @param storeFromSeconds where the store size's measurement starts (retention plus the
     *                         one-minute prune period, or the warm-up if later)
     * @param maxInFlight the most requests the open loop keeps outstanding
     * @param maxGrowthPercent the goal: every judged resource grows by less than this
     * @param maxP99Ratio the goal for "p99 stable": the last window's p99 at most this times the first's
     * @param jvmArgs JVM options given to the server
     * @param serveArgs every {@code serve} flag the harness passed, the user's included
     */
    record Settings(String jar, double durationSeconds, double warmupSeconds, double intervalSeconds, Double load,
                    Double fixedRate, double calibrationSeconds, int calibrationClients, double providerLatencyMs,
                    double retentionSeconds, double storeFromSeconds, int maxInFlight, double maxGrowthPercent,
                    double maxP99Ratio, List<String> jvmArgs, List<String> serveArgs) {
    }

    /**
     * The run against the goal.
     *
     * @param pass every judged resource grew less than the goal, p99 stayed stable and no request failed after the warm-up
     * @param reasons one line per criterion, met or not
     */
    record Verdict(boolean pass, List<String> reasons) {
    }

    /** Writes the report as pretty JSON, creating parent directories. */
    void writeJson(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Json.mapper().writerWithDefaultPrettyPrinter().writeValue(file.toFile(), this);
    }
}
