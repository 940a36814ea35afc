package io.bulwark.bench.soak;

import io.bulwark.bench.TempDirs;
import io.bulwark.bench.CpuTicks;
import io.bulwark.bench.Machine;
import io.bulwark.bench.http.ReadinessProbe;
import io.bulwark.bench.http.ServerLauncher;
import io.bulwark.bench.http.ServerProcess;
import io.bulwark.core.BulwarkVersion;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;

/**
 * One soak run, from the options of a {@link SoakCommand}: fake provider, server, calibration,
 * the open-loop load with its samples, then the report, CSV, chart and JSON.
 */
final class SoakRun implements Callable<Integer> {

    private static final Duration READY_BOUND = Duration.ofSeconds(60);
    /** Above the server's default 30 s shutdown grace, so a slow graceful stop is still seen as one. */
    private static final Duration STOP_BOUND = Duration.ofSeconds(40);
    /** The server prunes finished jobs once a minute ({@code JobsRuntime}). */
    private static final double PRUNE_PERIOD_SECONDS = 60;

    private final SoakCommand o;
    private final PrintWriter out;
    private final PrintWriter err;

    SoakRun(SoakCommand options, PrintWriter out, PrintWriter err) {
        this.o = options;
        this.out = out;
        this.err = err;
    }

    /**
     * Where the store's size starts to count: it grows until the first jobs pass
     * {@code jobs.retention} and a prune has run, and only its size after that says whether it
     * keeps growing. The warm-up, if it ends later.
     */
    static double storeSettleSeconds(double retentionSeconds, double warmupSeconds) {
        return Math.max(warmupSeconds, retentionSeconds + PRUNE_PERIOD_SECONDS);
    }

    @Override
    public Integer call() throws Exception {
        Machine machine = Machine.current();
        err.println("Machine: " + machine.describe());
        OptionalDouble busyBefore = CpuTicks.busyFraction(Duration.ofSeconds(1));
        Machine.busyWarning(busyBefore).ifPresent(err::println);
        Path java = Path.of(ProcessHandle.current().info().command()
                .orElseThrow(() -> new IllegalStateException("cannot tell which java runs this harness")));
        Path work = Files.createTempDirectory("bulwark-soak-");
        Path dataDir = work.resolve("data");
        Path gcLog = work.resolve("gc.log");
        boolean clean = false;
        try (FakeProvider provider = FakeProvider.start(o.providerLatency)) {
            List<String> jvmArgs = new ArrayList<>();
            // Logging only: the pause lines give the heap after every collection (see GcLog).
            jvmArgs.add(GcLog.jvmOption(gcLog));
            jvmArgs.addAll(o.jvmArgs);
            List<String> serveArgs = new ArrayList<>(List.of("--log.access=false",
                    "--jobs.retention=" + o.retention.toSeconds() + "s",
                    "--providers.fake.group=" + RequestKind.GROUP, "--providers.fake.baseUrl=" + provider.baseUrl()));
            serveArgs.addAll(o.serveArgs);
            ServerLauncher launcher = new ServerLauncher(java, o.jar.toAbsolutePath().normalize(), work, jvmArgs, serveArgs);
            SoakReport report;
            try (ServerProcess server = launcher.start(dataDir, work.resolve("server.log"))) {
                Duration ready = new ReadinessProbe().await(server, READY_BOUND);
                err.printf("Server ready in %d ms (pid %d, data in %s)%n", ready.toMillis(), server.pid(), dataDir);
                err.flush();
                report = drive(server, machine, busyBefore, java, dataDir, gcLog, jvmArgs, serveArgs);
            }
            SoakTable.print(report, out);
            SoakCsv.write(report.samples(), o.csv);
            err.println("Samples written to " + o.csv.toAbsolutePath());
            SoakChart.write(report.samples(), new SoakChart.Marks(report.settings().warmupSeconds(),
                    report.settings().storeFromSeconds(), report.liveHeapStartSeconds(), mib(report.liveHeapStartBytes()),
                    mib(report.liveHeapEndBytes())), chartTitle(report), "Machine: " + machine.describe(), o.png);
            err.println("Chart written to " + o.png.toAbsolutePath());
            if (o.json != null) {
                report.writeJson(o.json);
                err.println("Report written to " + o.json.toAbsolutePath());
            }
            clean = report.verdict().pass() && report.exitCode() == 0;
            return clean ? 0 : 1;
        } finally {
            if (clean) {
                TempDirs.deleteTree(work);
            } else {
                err.println("Server log, GC log and data kept in " + work);
            }
            err.flush();
        }
    }

    private SoakReport drive(ServerProcess server, Machine machine, OptionalDouble busyBefore, Path java, Path dataDir,
                             Path gcLog, List<String> jvmArgs, List<String> serveArgs) throws Exception {
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build()) {
            MixClient client = new MixClient(http, server.base());
            Calibration.Result calibration = null;
            double target;
            if (o.rate != null) {
                target = o.rate;
            } else {
                err.printf("Calibrating: %d requests in flight, closed loop, for %ds...%n", o.calibrationClients, o.calibration.toSeconds());
                err.flush();
                calibration = Calibration.run(client, o.calibrationClients, o.calibration);
                target = calibration.requestsPerSecond() * o.load;
                err.printf(Locale.ROOT, "Capacity %,.0f req/s (%d errors); soaking at %,.0f req/s%n", calibration.requestsPerSecond(),
                        calibration.errors(), target);
            }
            double durationS = o.duration.toNanos() / 1e9;
            double warmupS = o.warmup.toNanos() / 1e9;
            double storeFrom = storeSettleSeconds(o.retention.toSeconds(), warmupS);
            err.printf(Locale.ROOT, "Soaking for %s (warm-up %s), a sample every %ds; the store is measured from %s%n",
                    SoakTable.clock(durationS), SoakTable.clock(warmupS), o.interval.toSeconds(), SoakTable.clock(storeFrom));
            err.flush();

            double window = Math.min(60, (durationS - warmupS) / 2);
            LatencyWindow measured = new LatencyWindow(warmupS, durationS);
            LatencyWindow first = new LatencyWindow(warmupS, warmupS + window);
            LatencyWindow last = new LatencyWindow(durationS - window, durationS);
            KindLatencies book = new KindLatencies();
            ResourceProbe probe = new ResourceProbe(server.pid(), server.base(), dataDir, gcLog, http);
            probe.read();
            Path jcmd = java.resolveSibling("jcmd");
            Path jcmdOut = dataDir.resolveSibling("jcmd.out");
            double intervalS = o.interval.toNanos() / 1e9;
            double liveAt = o.forcedGc ? liveHeapBaselineSeconds(warmupS, intervalS) : -1;
            Long liveStart = null;
            ClassHistogram histStart = null;
            Path histDir = o.csv.toAbsolutePath().getParent();
            if (liveAt == 0) {
                err.println("Forcing a full GC (jcmd GC.run) for the live heap before the load starts...");
                liveStart = probe.liveHeapAfterFullGc(jcmd, jcmdOut);
                histStart = histogram(jcmd, server.pid(), histDir, "start");
            }
            List<Sample> samples = new ArrayList<>();
            long sent;
            try (OpenLoopLoad load = new OpenLoopLoad(client, book, target, o.maxInFlight)) {
                long t0 = System.nanoTime();
                load.start();
                double previous = 0;
                for (int k = 1; ; k++) {
                    double tick = Math.min(k * intervalS, durationS);
                    sleepUntil(t0 + (long) (tick * 1e9));
                    if (!server.isAlive()) {
                        throw new IllegalStateException("the server " + server.state() + " during the soak; its log ("
                                + server.log() + ") ends with:" + System.lineSeparator() + server.logTail(20));
                    }
                    Map<RequestKind, KindLatencies.Interval> latencies = book.takeInterval();
                    double now = (System.nanoTime() - t0) / 1e9;
                    double length = now - previous;
                    previous = now;
                    double lag = load.takeMaxLagMs();
                    Sample sample = sample(tick, length, tick <= warmupS + 1e-9, lag, probe.read(), latencies);
                    samples.add(sample);
                    for (LatencyWindow w : List.of(measured, first, last)) {
                        w.offer(tick, length, latencies);
                    }
                    err.println(SoakTable.progress(sample));
                    if (liveAt > 0 && Math.abs(tick - liveAt) < 1e-6) {
                        err.println("Forcing a full GC (jcmd GC.run) for the live heap, inside the warm-up...");
                        liveStart = probe.liveHeapAfterFullGc(jcmd, jcmdOut);
                        histStart = histogram(jcmd, server.pid(), histDir, "start");
                    }
                    err.flush();
                    if (tick >= durationS) {
                        break;
                    }
                }
                load.stop(MixClient.REQUEST_TIMEOUT);
                sent = load.sent();
            }
            Long liveEnd = null;
            if (o.forcedGc) {
                err.println("Load stopped; forcing a full GC (jcmd GC.run) for the live heap at the end...");
                err.flush();
                liveEnd = probe.liveHeapAfterFullGc(jcmd, jcmdOut);
                ClassHistogram histEnd = histogram(jcmd, server.pid(), histDir, "end");
                if (histStart != null && histEnd != null) {
                    err.print(ClassHistogram.table(histStart, histEnd, 20));
                    err.println("Both histograms are in " + histDir.resolve("soak-histogram-{start,end}.txt"));
                }
            }
            ServerProcess.Stopped stopped = server.stop(STOP_BOUND);

            List<Growth> growth = growth(samples, warmupS, storeFrom, durationS, liveAt, liveStart, liveEnd);
            LatencyWindow.Summary firstSummary = first.summary();
            LatencyWindow.Summary lastSummary = last.summary();
            LatencyWindow.Summary measuredSummary = measured.summary();
            int oldPauses = samples.stream().filter(s -> !s.warmup()).mapToInt(s -> s.resources().oldGcPauses()).sum();
            SoakReport.Verdict verdict = Goal.judge(growth, firstSummary, lastSummary, measuredSummary.all().errors(),
                    o.maxGrowthPercent, o.maxP99Ratio);
            Map<String, String> firstErrors = new LinkedHashMap<>();
            book.firstErrors().forEach((kind, what) -> firstErrors.put(kind.label(), what));
            SoakReport.Settings settings = new SoakReport.Settings(o.jar.toString(), durationS, warmupS, o.interval.toNanos() / 1e9,
                    o.rate == null ? o.load : null, o.rate, o.calibration.toNanos() / 1e9, o.calibrationClients,
                    o.providerLatency.toNanos() / 1e6, o.retention.toSeconds(), storeFrom, o.maxInFlight, o.maxGrowthPercent,
                    o.maxP99Ratio, List.copyOf(jvmArgs), List.copyOf(serveArgs));
            return new SoakReport(1, BulwarkVersion.get(), Instant.now(), machine,
                    busyBefore.isPresent() ? busyBefore.getAsDouble() : null, settings, calibration, target, sent / durationS,
                    measuredSummary, firstSummary, lastSummary, Goal.p99Ratio(firstSummary, lastSummary), growth, firstErrors,
                    liveAt, liveStart, liveEnd, oldPauses, stopped.exitCode(), stopped.took().toNanos() / 1e6, verdict, List.copyOf(samples));
        }
    }

    /** The server's class histogram, kept as {@code soak-histogram-<what>.txt} in {@code dir}; null when jcmd failed. */
    private ClassHistogram histogram(Path jcmd, long pid, Path dir, String what) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        ClassHistogram h = ClassHistogram.take(jcmd, pid, dir.resolve("soak-histogram-" + what + ".txt"));
        if (h == null) {
            err.println("Could not take the class histogram (" + what + ") with " + jcmd);
        }
        return h;
    }

    private static Sample sample(double tick, double length, boolean warmup, double lagMs, Resources resources,
                                 Map<RequestKind, KindLatencies.Interval> latencies) {
        org.HdrHistogram.Histogram all = new org.HdrHistogram.Histogram(3);
        long errors = 0;
        Map<String, LatencyStats> kinds = new LinkedHashMap<>();
        for (RequestKind kind : RequestKind.values()) {
            KindLatencies.Interval i = latencies.get(kind);
            all.add(i.latencies());
            errors += i.errors();
            kinds.put(kind.label(), LatencyStats.of(i.latencies(), i.errors(), length));
        }
        return new Sample(tick, length, warmup, lagMs, resources, LatencyStats.of(all, errors, length), kinds);
    }

    /**
     * When to force the full GC that gives the live heap's baseline: inside the warm-up, a minute
     * before its end (or half-way through a shorter one), on a sample's tick, so that the pause and
     * any heap resizing after it are over before the measured part begins; 0 (before the load)
     * when the warm-up is shorter than two intervals.
     */
    static double liveHeapBaselineSeconds(double warmupS, double intervalS) {
        double at = Math.ceil(Math.max(warmupS / 2, warmupS - 60) / intervalS) * intervalS;
        return at >= warmupS || at <= 0 ? 0 : at;
    }

    /**
     * The figures judged, and those shown beside them. The heap is judged by the live heap after
     * forced full GCs, not by the heap after each young GC: between G1's rare old-generation
     * collections the latter also holds every promoted object that has died since, so it climbs in
     * a run without any leak. When jcmd could not force a GC, the heap after GC is judged instead.
     */
    private static List<Growth> growth(List<Sample> samples, double warmupS, double storeFrom, double end,
                                       double liveAt, Long liveStart, Long liveEnd) {
        Growth live = liveAt < 0
                ? Growth.between("live heap", "MiB", 0, null, end, null, false).informational("not measured: --no-forced-gc")
                : Growth.between("live heap", "MiB", liveAt, mib(liveStart), end, mib(liveEnd), true);
        Growth afterGc = Growth.of("heap after GC", "MiB", samples, warmupS, end, s -> mib(s.resources().heapAfterGcBytes()), true);
        return List.of(
                Growth.of("RSS", "MiB", samples, warmupS, end, s -> mib(s.resources().rssBytes()), true),
                live,
                live.judged() ? afterGc.informational("informational: holds old-generation garbage; the live heap is judged") : afterGc,
                Growth.of("JVM threads", "threads", samples, warmupS, end, s -> num(s.resources().jvmThreads()), true),
                Growth.of("open FDs", "FDs", samples, warmupS, end, s -> num(s.resources().openFds()), true),
                Growth.of("store size", "MiB", samples, storeFrom, end, s -> mib(s.resources().storeBytes()), true),
                Growth.of("OS threads", "threads", samples, warmupS, end, s -> num(s.resources().osThreads()), true)
                        .informational("informational: includes the JVM's own GC and compiler threads, which it adds and retires"));
    }

    private static String chartTitle(SoakReport r) {
        SoakReport.Settings s = r.settings();
        String rate = s.load() == null ? String.format(Locale.ROOT, "%,.0f req/s (fixed)", r.targetPerSecond())
                : String.format(Locale.ROOT, "%,.0f req/s (%.0f%% of %,.0f measured)", r.targetPerSecond(), s.load() * 100,
                r.calibration().requestsPerSecond());
        return "Bulwark " + r.bulwarkVersion() + " soak: " + rate + ", " + SoakTable.clock(s.durationSeconds()) + " run, warm-up "
                + SoakTable.clock(s.warmupSeconds()) + " (shaded); verdict " + (r.verdict().pass() ? "PASS" : "FAIL");
    }

    private static void sleepUntil(long deadlineNanos) throws InterruptedException {
        long wait;
        while ((wait = deadlineNanos - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while waiting for the next sample");
            }
        }
    }

    private static Double mib(Long bytes) {
        return bytes == null ? null : bytes / (1024.0 * 1024);
    }

    private static Double num(Number n) {
        return n == null ? null : n.doubleValue();
    }
}
