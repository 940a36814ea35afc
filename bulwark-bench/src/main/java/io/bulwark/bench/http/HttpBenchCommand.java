package io.bulwark.bench.http;

import io.bulwark.bench.TempDirs;
import io.bulwark.bench.CpuTicks;
import io.bulwark.bench.Machine;
import io.bulwark.core.BulwarkVersion;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.Callable;

/**
 * {@code http}: the end-to-end harness. Starts {@code bulwark.jar serve} as a child process
 * several times to measure start-to-ready, reads its idle RSS, then drives each
 * {@link Scenario} with a {@link ClosedLoopLoad} and stops the server with SIGTERM.
 *
 * <p>Exits 0 when the run was clean (no failed request, every server exited 0), 1 otherwise,
 * 2 on bad options.
 */
@Command(name = "http", mixinStandardHelpOptions = true,
        description = {"End-to-end: start-to-ready, idle RSS and HTTP throughput/latency of a real 'bulwark serve'.",
                "Example: http --clients 64 --duration 10s --json target/bench-http.json"})
public final class HttpBenchCommand implements Callable<Integer> {

    private static final Duration READY_BOUND = Duration.ofSeconds(30);
    private static final Duration KEY_CREATE_BOUND = Duration.ofSeconds(60);
    /** Above the server's default 30 s shutdown grace, so a slow graceful stop is still seen as one. */
    private static final Duration STOP_BOUND = Duration.ofSeconds(40);

    @Option(names = "--jar", paramLabel = "PATH", defaultValue = "bulwark-cli/target/bulwark.jar",
            description = "The bulwark.jar to run (default: ${DEFAULT-VALUE}, relative to the working directory).")
    Path jar;

    @Option(names = "--clients", paramLabel = "N", defaultValue = "64", description = "Concurrent clients (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--duration", paramLabel = "TIME", defaultValue = "10s", converter = DurationConverter.class,
            description = "Measured load per scenario (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--warmup", paramLabel = "TIME", defaultValue = "3s", converter = DurationConverter.class,
            description = "Load before each measurement, discarded (default: ${DEFAULT-VALUE}).")
    Duration warmup;

    @Option(names = "--starts", paramLabel = "N", defaultValue = "3",
            description = "Server starts for start-to-ready; the last one also takes the load (default: ${DEFAULT-VALUE}).")
    int starts;

    @Option(names = "--idle", paramLabel = "TIME", defaultValue = "3s", converter = DurationConverter.class,
            description = "Wait after ready before reading the idle RSS (default: ${DEFAULT-VALUE}).")
    Duration idle;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON, e.g. to keep as a baseline.")
    Path json;

    @Option(names = "--jvm-arg", paramLabel = "ARG", description = "A JVM option for the server, e.g. --jvm-arg=-Xmx256m (repeatable).")
    List<String> jvmArgs = new ArrayList<>();

    @Option(names = "--server-arg", paramLabel = "ARG",
            description = "An extra 'serve' flag, e.g. --server-arg=--log.access=false (repeatable; default: none, so the defaults are measured).")
    List<String> serveArgs = new ArrayList<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        List<String> invalid = validate();
        if (!invalid.isEmpty()) {
            invalid.forEach(problem -> err.println("http: " + problem));
            err.flush();
            return 2;
        }
        Path jarPath = jar.toAbsolutePath().normalize();
        Path java = Path.of(ProcessHandle.current().info().command()
                .orElseThrow(() -> new IllegalStateException("cannot tell which java runs this harness")));
        Path work = Files.createTempDirectory("bulwark-bench-");
        boolean clean = false;
        try {
            HttpBenchReport report = measure(new ServerLauncher(java, jarPath, work, jvmArgs, serveArgs), work, err);
            ReportTable.print(report, spec.commandLine().getOut());
            if (json != null) {
                report.writeJson(json);
                err.println("Results written to " + json.toAbsolutePath());
            }
            clean = report.clean();
            return clean ? 0 : 1;
        } finally {
            if (clean) {
                TempDirs.deleteTree(work);
            } else {
                err.println("Server logs kept in " + work);
            }
            err.flush();
        }
    }

    /** Every problem with the options, so that one run reports them all. */
    List<String> validate() {
        List<String> problems = new ArrayList<>();
        if (clients < 1) {
            problems.add("--clients must be >= 1 but was " + clients);
        }
        if (starts < 1) {
            problems.add("--starts must be >= 1 but was " + starts);
        }
        if (duration.isZero() || duration.isNegative()) {
            problems.add("--duration must be > 0 but was " + duration);
        }
        if (warmup.isNegative()) {
            problems.add("--warmup must be >= 0 but was " + warmup);
        }
        if (idle.isNegative()) {
            problems.add("--idle must be >= 0 but was " + idle);
        }
        if (!Files.isRegularFile(jar)) {
            problems.add("--jar " + jar.toAbsolutePath().normalize() + " does not exist; build it with "
                    + "'./mvnw -B -q -pl bulwark-cli -am package -DskipTests' (scripts/bench.sh does) or point --jar at one");
        }
        return problems;
    }

    private HttpBenchReport measure(ServerLauncher launcher, Path work, PrintWriter progress) throws Exception {
        Machine machine = Machine.current();
        progress.println("Machine: " + machine.describe());
        OptionalDouble busyBefore = CpuTicks.busyFraction(Duration.ofSeconds(1));
        Machine.busyWarning(busyBefore).ifPresent(progress::println);
        Path dataDir = work.resolve("data");
        progress.println("Creating a viewer key offline...");
        progress.flush();
        String key = launcher.createViewerKey(dataDir, KEY_CREATE_BOUND);

        ReadinessProbe probe = new ReadinessProbe();
        probe.prime();
        List<Duration> ready = new ArrayList<>();
        List<CpuShare> startCpu = new ArrayList<>();
        List<Integer> exitCodes = new ArrayList<>();
        for (int i = 1; i < starts; i++) {
            try (ServerProcess server = launcher.start(dataDir, work.resolve("server-" + i + ".log"))) {
                awaitReady(server, probe, ready, startCpu);
                progress.printf("Start %d/%d: ready in %d ms%n", i, starts, ready.getLast().toMillis());
                progress.flush();
                exitCodes.add(server.stop(STOP_BOUND).exitCode());
            }
        }

        // The last start stays up: idle RSS, then the load, then the timed SIGTERM.
        try (ServerProcess server = launcher.start(dataDir, work.resolve("server-" + starts + ".log"))) {
            awaitReady(server, probe, ready, startCpu);
            progress.printf("Start %d/%d: ready in %d ms; idle for %ds before reading RSS%n", starts, starts,
                    ready.getLast().toMillis(), idle.toSeconds());
            progress.flush();
            Thread.sleep(idle);
            OptionalLong idleRss = server.rss();

            List<ScenarioResult> results = new ArrayList<>();
            try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build()) {
                ClosedLoopLoad load = new ClosedLoopLoad(client, clients, warmup, duration);
                for (Scenario scenario : List.of(Scenario.healthLive(), Scenario.serverInfo(key))) {
                    progress.printf("%s: %d clients, warmup %ds, then measuring %ds...%n", scenario.name(), clients,
                            warmup.toSeconds(), duration.toSeconds());
                    progress.flush();
                    results.add(load.run(server, scenario));
                }
            }
            OptionalLong loadedRss = server.rss();
            ServerProcess.Stopped stopped = server.stop(STOP_BOUND);
            exitCodes.add(stopped.exitCode());

            StartTimes times = new StartTimes(ready);
            return new HttpBenchReport(1, BulwarkVersion.get(), Instant.now(), machine,
                    busyBefore.isPresent() ? busyBefore.getAsDouble() : null,
                    new HttpBenchReport.Settings(jar.toString(), clients, seconds(warmup), seconds(duration), seconds(idle),
                            List.copyOf(jvmArgs), List.copyOf(serveArgs)),
                    ready.stream().map(HttpBenchCommand::millis).toList(), millis(times.min()), millis(times.median()),
                    startCpu, boxed(idleRss), results, boxed(loadedRss), exitCodes, millis(stopped.took()));
        }
    }

    /**
     * Waits for readiness and records the time, with where the CPU went meanwhile: a start is
     * CPU-bound, so a build running beside it shows up here as "other" and explains a slow start.
     */
    private static void awaitReady(ServerProcess server, ReadinessProbe probe, List<Duration> ready, List<CpuShare> cpu)
            throws InterruptedException {
        CpuMeter meter = CpuMeter.start(server.pid());
        ready.add(probe.await(server, READY_BOUND));
        cpu.add(meter.stop().orElse(null));
    }

    private static double millis(Duration d) {
        return d.toNanos() / 1e6;
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    private static Long boxed(OptionalLong value) {
        return value.isPresent() ? value.getAsLong() : null;
    }
}
