package io.bulwark.bench.soak;

import io.bulwark.bench.http.DurationConverter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code soak}: a long run at a steady mixed load, watching the server's resources for growth.
 * Starts {@code bulwark.jar serve} as a child process on the embedded store with a provider
 * group pointing at a {@link FakeProvider}, measures the mix's capacity in a short closed loop,
 * then offers a fixed fraction of it open-loop for {@code --duration}, sampling RSS, heap after
 * GC, threads, file descriptors, store size and latency every {@code --interval}.
 *
 * <pre>{@code
 * scripts/bench.sh soak --duration 30m
 * scripts/bench.sh soak --duration 2m --warmup 30s --interval 5s     # a smoke run
 * }</pre>
 *
 * <p>Exits 0 when the run met the goal, 1 when it did not (or the server failed), 2 on bad options.
 */
@Command(name = "soak", mixinStandardHelpOptions = true,
        description = {"Steady mixed load at a fraction of the measured capacity; samples the server's resources "
                + "and latency, writes a CSV and a PNG chart, and reports growth after the warm-up.",
                "Example: soak --duration 30m   (smoke run: --duration 2m --warmup 30s --interval 5s)"})
public final class SoakCommand implements Callable<Integer> {

    @Option(names = "--jar", paramLabel = "PATH", defaultValue = "bulwark-cli/target/bulwark.jar",
            description = "The bulwark.jar to run (default: ${DEFAULT-VALUE}, relative to the working directory).")
    Path jar;

    @Option(names = "--duration", paramLabel = "TIME", defaultValue = "30m", converter = DurationConverter.class,
            description = "The open-loop run, warm-up included (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--warmup", paramLabel = "TIME", defaultValue = "3m", converter = DurationConverter.class,
            description = "The first part of the run, sampled but excluded from growth figures (default: ${DEFAULT-VALUE}).")
    Duration warmup;

    @Option(names = "--interval", paramLabel = "TIME", defaultValue = "10s", converter = DurationConverter.class,
            description = "Time between samples (default: ${DEFAULT-VALUE}).")
    Duration interval;

    @Option(names = "--load", paramLabel = "FRACTION", defaultValue = "0.5",
            description = "The open-loop rate as a fraction of the calibrated capacity (default: ${DEFAULT-VALUE}).")
    double load;

    @Option(names = "--rate", paramLabel = "REQ/S",
            description = "A fixed open-loop rate instead of --load: skips the calibration (to repeat a run at the same rate).")
    Double rate;

    @Option(names = "--calibration", paramLabel = "TIME", defaultValue = "20s", converter = DurationConverter.class,
            description = "Length of the closed-loop capacity measurement; its first quarter (at most 5 s) is discarded "
                    + "(default: ${DEFAULT-VALUE}).")
    Duration calibration;

    @Option(names = "--calibration-clients", paramLabel = "N", defaultValue = "32",
            description = "Requests in flight during the calibration (default: ${DEFAULT-VALUE}).")
    int calibrationClients;

    @Option(names = "--provider-latency", paramLabel = "TIME", defaultValue = "2ms", converter = DurationConverter.class,
            description = "The fake provider's fixed delay per answer (default: ${DEFAULT-VALUE}).")
    Duration providerLatency;

    @Option(names = "--retention", paramLabel = "TIME", defaultValue = "5m", converter = DurationConverter.class,
            description = "The server's jobs.retention, so that the store reaches a steady size (default: ${DEFAULT-VALUE}; at least 1m).")
    Duration retention;

    @Option(names = "--max-in-flight", paramLabel = "N", defaultValue = "32",
            description = {"Most requests outstanding in the open loop; past it the pacer waits, and the wait counts in the "
                    + "latency (default: ${DEFAULT-VALUE}).",
                    "The same as the calibration's clients by default: the calibration opens that many connections, so the "
                    + "open loop never needs a new one, and a hiccup cannot grow the server's connections (and their FDs "
                    + "and buffers) in the middle of the measurement."})
    int maxInFlight;

    @Option(names = "--forced-gc", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = {"Force a full GC (jcmd GC.run) a minute before the end of the warm-up and after the load, and judge "
                    + "the live heap after them; a class histogram (jcmd GC.class_histogram) at both names the classes that grew "
                    + "most (default: on).",
                    "--no-forced-gc leaves the server's GC alone (the forced GC can make G1 resize the heap, and RSS with it) "
                    + "and judges the heap after each GC instead, which also holds old-generation garbage."})
    boolean forcedGc;

    @Option(names = "--max-growth", paramLabel = "PERCENT", defaultValue = "10",
            description = "Goal: each resource grows less than this from the first to the last window (default: ${DEFAULT-VALUE}).")
    double maxGrowthPercent;

    @Option(names = "--max-p99-ratio", paramLabel = "X", defaultValue = "1.5",
            description = "Goal for a stable p99: the last window's p99 at most X times the first's (default: ${DEFAULT-VALUE}).")
    double maxP99Ratio;

    @Option(names = "--csv", paramLabel = "FILE", defaultValue = "target/bench/soak.csv",
            description = "One row per sample (default: ${DEFAULT-VALUE}).")
    Path csv;

    @Option(names = "--png", paramLabel = "FILE", defaultValue = "target/bench/soak.png",
            description = "The chart (default: ${DEFAULT-VALUE}).")
    Path png;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the report, samples included, as JSON.")
    Path json;

    @Option(names = "--jvm-arg", paramLabel = "ARG", description = "A JVM option for the server, e.g. --jvm-arg=-Xmx256m (repeatable).")
    List<String> jvmArgs = new ArrayList<>();

    @Option(names = "--server-arg", paramLabel = "ARG",
            description = "An extra 'serve' flag, e.g. --server-arg=--jobs.queues.soak.concurrency=20 (repeatable).")
    List<String> serveArgs = new ArrayList<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        List<String> invalid = validate();
        if (!invalid.isEmpty()) {
            invalid.forEach(problem -> err.println("soak: " + problem));
            err.flush();
            return 2;
        }
        return new SoakRun(this, spec.commandLine().getOut(), err).call();
    }

    /** Every problem with the options, so that one run reports them all. */
    List<String> validate() {
        List<String> problems = new ArrayList<>();
        if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
            problems.add("--interval must be >= 1s but was " + interval);
        }
        if (warmup.isNegative()) {
            problems.add("--warmup must be >= 0 but was " + warmup);
        }
        if (duration.compareTo(warmup.plus(interval.multipliedBy(2))) < 0) {
            problems.add("--duration must be at least --warmup plus two intervals (" + warmup.plus(interval.multipliedBy(2))
                    + ") but was " + duration);
        }
        if (rate == null && !(load > 0 && load <= 1.5)) {
            problems.add("--load must be > 0 and <= 1.5 but was " + load);
        }
        if (rate != null && !(rate > 0)) {
            problems.add("--rate must be > 0 but was " + rate);
        }
        if (rate == null && calibration.compareTo(Duration.ofSeconds(4)) < 0) {
            problems.add("--calibration must be >= 4s but was " + calibration);
        }
        if (calibrationClients < 1) {
            problems.add("--calibration-clients must be >= 1 but was " + calibrationClients);
        }
        if (providerLatency.isNegative()) {
            problems.add("--provider-latency must be >= 0 but was " + providerLatency);
        }
        if (retention.compareTo(Duration.ofMinutes(1)) < 0) {
            problems.add("--retention must be >= 1m (the server's smallest jobs.retention) but was " + retention);
        }
        if (maxInFlight < 1) {
            problems.add("--max-in-flight must be >= 1 but was " + maxInFlight);
        }
        if (!(maxGrowthPercent > 0)) {
            problems.add("--max-growth must be > 0 but was " + maxGrowthPercent);
        }
        if (!(maxP99Ratio >= 1)) {
            problems.add("--max-p99-ratio must be >= 1 but was " + maxP99Ratio);
        }
        if (!Files.isRegularFile(jar)) {
            problems.add("--jar " + jar.toAbsolutePath().normalize() + " does not exist; build it with "
                    + "'./mvnw -B -q -pl bulwark-bench -am package -DskipTests' (scripts/bench.sh does) or point --jar at one");
        }
        return problems;
    }
}
