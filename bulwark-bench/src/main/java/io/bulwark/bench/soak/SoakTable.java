package io.bulwark.bench.soak;

import io.bulwark.bench.Machine;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.OptionalDouble;

/** Renders a {@link SoakReport} as the text a person reads at the end of a run. */
final class SoakTable {

    private static final double MIB = 1024.0 * 1024;

    private SoakTable() {
    }

    /** One line per sample while the run goes on: enough to see a trend without opening the CSV. */
    static String progress(Sample s) {
        Resources r = s.resources();
        return f("%s %6s  rss %s  heap-after-gc %s  jvm-threads %s  fds %s  store %s  backlog %s  %,6.0f req/s  p99 %6.2f ms  errors %d%s",
                s.warmup() ? "warm-up" : "measure", clock(s.seconds()), mib(r.rssBytes()), mib(r.heapAfterGcBytes()),
                n(r.jvmThreads()), n(r.openFds()), mib(r.storeBytes()), n(r.backlog()), s.all().okPerSecond(),
                s.all().p99Ms(), s.all().errors(),
                s.maxDispatchLagMs() > 100 ? f("  (harness %.0f ms late)", s.maxDispatchLagMs()) : "");
    }

    static void print(SoakReport r, PrintWriter out) {
        SoakReport.Settings s = r.settings();
        out.println();
        out.println("Bulwark " + r.bulwarkVersion() + " soak");
        out.println("Machine:  " + r.machine().describe());
        out.println("Note:     server, harness and fake provider share these cores.");
        Machine.busyWarning(r.busyBefore() == null ? OptionalDouble.empty() : OptionalDouble.of(r.busyBefore()))
                .ifPresent(w -> out.println("          " + w));
        double maxOther = r.samples().stream().filter(x -> x.resources().cpu() != null)
                .mapToDouble(x -> x.resources().cpu().otherCores()).max().orElse(0);
        if (maxOther >= 0.25) {
            out.println(f("          WARNING: other processes used up to %.2f cores during the run (other_cpu in the CSV): "
                    + "latency and RSS figures are pessimistic", maxOther));
        }
        if (r.calibration() != null) {
            Calibration.Result c = r.calibration();
            out.println(f("Capacity: %,.0f req/s for the mix (closed loop, %d in flight, %.0f s measured; p50 %.2f ms, p99 %.2f ms, %d errors)",
                    c.requestsPerSecond(), c.clients(), c.seconds(), c.p50Ms(), c.p99Ms(), c.errors()));
            out.println(f("Load:     open loop at %,.0f req/s (%.0f%% of capacity); achieved %,.0f req/s", r.targetPerSecond(),
                    s.load() * 100, r.sentPerSecond()));
        } else {
            out.println(f("Load:     open loop at a fixed %,.0f req/s (--rate); achieved %,.0f req/s", r.targetPerSecond(), r.sentPerSecond()));
        }
        out.println(f("Run:      %s, warm-up %s excluded, a sample every %.0f s; jobs.retention %s (store measured from %s)",
                clock(s.durationSeconds()), clock(s.warmupSeconds()), s.intervalSeconds(), clock(s.retentionSeconds()),
                clock(s.storeFromSeconds())));
        out.println("Mix:      " + mix());
        out.println();
        out.println(f("%-16s %10s %10s %10s %8s %9s", "growth", "first", "last", "unit", "change", "per hour"));
        for (Growth g : r.growth()) {
            out.println(f("%-16s %10s %10s %10s %8s %9s%s", g.resource(), num(g.first()), num(g.last()), g.unit(),
                    g.percent() == null ? "n/a" : f("%+.1f%%", g.percent()),
                    g.percentPerHour() == null ? "n/a" : f("%+.0f%%", g.percentPerHour()),
                    g.judged() ? "" : "   (not judged" + (g.note() != null ? ": " + g.note() : "") + ")"));
        }
        out.println(f("(first: the mean over %s from the resource's start; last: over the run's last %s; per hour: the change "
                + "over the time between them; seed's goal < %.0f%%/h)", clock(r.growth().getFirst().windowSeconds()),
                clock(r.growth().getFirst().windowSeconds()), SoakReport.SEED_GOAL_PERCENT_PER_HOUR));
        out.println(r.liveHeapStartSeconds() < 0
                ? f("(no forced GC: the heap after GC, after each young GC, also holds old-generation garbage: %d mixed or full "
                + "collections in the measured part)", r.oldGcPauses())
                : f("(live heap: after full GCs forced with jcmd at %s and after the load; the heap after GC, after each young "
                + "GC, also holds old-generation garbage: %d mixed or full collections in the measured part)",
                clock(r.liveHeapStartSeconds()), r.oldGcPauses()));
        out.println();
        out.println(f("%-14s %10s %9s %9s %9s %9s %9s %8s", "latency", "req/s", "p50 ms", "p99 ms", "max ms", "p99 first", "p99 last", "errors"));
        row(out, "all", r.measured().all(), r.firstWindow().all(), r.lastWindow().all());
        for (RequestKind kind : RequestKind.values()) {
            String k = kind.label();
            row(out, k, r.measured().kinds().get(k), r.firstWindow().kinds().get(k), r.lastWindow().kinds().get(k));
        }
        out.println(f("(after the warm-up; first / last: the windows %s-%s and %s-%s)", clock(r.firstWindow().fromSeconds()),
                clock(r.firstWindow().toSeconds()), clock(r.lastWindow().fromSeconds()), clock(r.lastWindow().toSeconds())));
        r.firstErrors().forEach((kind, what) -> out.println("first error of " + kind + ": " + what));
        out.println(f("SIGTERM:  exit code %d, stopped in %.0f ms", r.exitCode(), r.stopMs()));
        out.println();
        out.println("Verdict:  " + (r.verdict().pass() ? "PASS" : "FAIL"));
        r.verdict().reasons().forEach(reason -> out.println("          " + reason));
        out.flush();
    }

    private static void row(PrintWriter out, String name, LatencyStats whole, LatencyStats first, LatencyStats last) {
        out.println(f("%-14s %,10.0f %9.2f %9.2f %9.2f %9.2f %9.2f %8d", name, whole.okPerSecond(), whole.p50Ms(), whole.p99Ms(),
                whole.maxMs(), first.p99Ms(), last.p99Ms(), whole.errors()));
    }

    private static String mix() {
        StringBuilder b = new StringBuilder();
        for (RequestKind k : RequestKind.values()) {
            if (!b.isEmpty()) {
                b.append(", ");
            }
            b.append(k.weight()).append("/").append(RequestKind.cycleLength()).append(" ").append(k.describe());
        }
        return b.toString();
    }

    /** {@code 90} as {@code 1:30}, {@code 3600} as {@code 60:00}. */
    static String clock(double seconds) {
        long s = Math.round(seconds);
        return f("%d:%02d", s / 60, s % 60);
    }

    private static String mib(Long bytes) {
        return bytes == null ? "n/a" : f("%.1f MiB", bytes / MIB);
    }

    private static String n(Number v) {
        return v == null ? "n/a" : v.toString();
    }

    private static String num(Double v) {
        return v == null ? "n/a" : f("%.1f", v);
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
