package io.bulwark.bench.http;

import io.bulwark.bench.Machine;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.stream.Collectors;

/** Renders an {@link HttpBenchReport} as the table a person reads after a run. */
final class ReportTable {

    private static final double MIB = 1024.0 * 1024;

    private ReportTable() {
    }

    static void print(HttpBenchReport r, PrintWriter out) {
        HttpBenchReport.Settings s = r.settings();
        out.println();
        out.println("Bulwark " + r.bulwarkVersion() + " end-to-end HTTP benchmark");
        out.println("Machine:  " + r.machine().describe());
        out.println("Note:     server and harness share these cores; throughput is a lower bound.");
        Machine.busyWarning(r.busyBefore() == null ? OptionalDouble.empty() : OptionalDouble.of(r.busyBefore()))
                .ifPresent(w -> out.println("          " + w));
        if (r.maxOtherCores() >= 0.25) {
            out.println(f("          WARNING: other processes used up to %.2f cores during the run (see 'other' below): "
                    + "these figures are pessimistic", r.maxOtherCores()));
        }
        out.println(f("Load:     %d clients, closed loop, warmup %.0fs, measured %.0fs per scenario; server %s%s",
                s.clients(), s.warmupSeconds(), s.durationSeconds(),
                s.serveArgs().isEmpty() ? "default config" : String.join(" ", s.serveArgs()),
                s.jvmArgs().isEmpty() ? "" : ", JVM " + String.join(" ", s.jvmArgs())));
        out.println();
        out.println(f("Start to ready:  min %.0f ms, median %.0f ms  (runs: %s)   goal < %.1f s: median at %.2fx the goal",
                r.startToReadyMinMs(), r.startToReadyMedianMs(),
                r.startToReadyMs().stream().map(ms -> f("%.0f", ms)).collect(Collectors.joining(", ")),
                HttpBenchReport.START_TO_READY_GOAL_MS / 1000, r.startToReadyMedianMs() / HttpBenchReport.START_TO_READY_GOAL_MS));
        out.println("                 CPU during each start (cores): " + r.startCpu().stream()
                .map(c -> c == null ? "n/a" : f("server %.2f + other %.2f", c.serverCores(), c.otherCores()))
                .collect(Collectors.joining("; ")));
        out.println(r.idleRssBytes() == null ? "Idle RSS:        n/a (no /proc)"
                : f("Idle RSS:        %.1f MiB %ds after ready   goal < %.0f MiB: at %.2fx the goal",
                r.idleRssBytes() / MIB, (long) s.idleSeconds(), HttpBenchReport.IDLE_RSS_GOAL_BYTES / MIB,
                (double) r.idleRssBytes() / HttpBenchReport.IDLE_RSS_GOAL_BYTES));
        out.println();
        out.println(f("%-20s %12s %9s %9s %9s %9s %9s %8s", "scenario", "requests/s", "p50 ms", "p90 ms", "p99 ms",
                "p99.9 ms", "max ms", "errors"));
        for (ScenarioResult sr : r.scenarios()) {
            LatencySummary l = sr.latency();
            out.println(f("%-20s %12.0f %9.3f %9.3f %9.3f %9.3f %9.3f %8d", sr.scenario(), l.requestsPerSecond(),
                    l.p50Ms(), l.p90Ms(), l.p99Ms(), l.p999Ms(), l.maxMs(), l.errors()));
            if (sr.cpu() != null) {
                out.println(f("    CPU (cores): server %.2f, harness %.2f, other processes %.2f; server CPU per request %.0f µs",
                        sr.cpu().serverCores(), sr.cpu().harnessCores(), sr.cpu().otherCores(),
                        sr.serverCpuMicrosPerRequest() == null ? 0.0 : sr.serverCpuMicrosPerRequest()));
            }
            if (sr.firstError() != null) {
                out.println("    first error: " + sr.firstError());
            }
        }
        out.println();
        out.println(r.rssAfterLoadBytes() == null ? "RSS after load:  n/a"
                : f("RSS after load:  %.1f MiB", r.rssAfterLoadBytes() / MIB));
        out.println(f("SIGTERM:         exit codes %s; the last server stopped in %.0f ms",
                r.exitCodes(), r.stopMs()));
        out.flush();
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
