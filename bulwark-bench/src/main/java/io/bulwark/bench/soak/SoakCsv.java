package io.bulwark.bench.soak;

import io.bulwark.bench.http.CpuShare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The samples as CSV, one row per interval: the file to plot or diff by hand. Memory in MiB,
 * times in milliseconds, rates per second, CPU in cores; an empty cell could not be read.
 */
final class SoakCsv {

    private static final double MIB = 1024.0 * 1024;

    private record Column(String name, Function<Sample, Object> value) {
    }

    private SoakCsv() {
    }

    static void write(List<Sample> samples, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        List<Column> columns = columns();
        List<String> lines = new ArrayList<>(samples.size() + 1);
        lines.add(String.join(",", columns.stream().map(Column::name).toList()));
        for (Sample s : samples) {
            lines.add(String.join(",", columns.stream().map(c -> cell(c.value().apply(s))).toList()));
        }
        Files.write(file, lines);
    }

    static List<String> header() {
        return columns().stream().map(Column::name).toList();
    }

    private static List<Column> columns() {
        List<Column> c = new ArrayList<>();
        c.add(new Column("t_s", Sample::seconds));
        c.add(new Column("phase", s -> s.warmup() ? "warmup" : "measure"));
        c.add(new Column("interval_s", Sample::intervalSeconds));
        c.add(new Column("rss_mib", s -> mib(s.resources().rssBytes())));
        c.add(new Column("heap_after_gc_mib", s -> mib(s.resources().heapAfterGcBytes())));
        c.add(new Column("heap_committed_mib", s -> mib(s.resources().heapCommittedBytes())));
        c.add(new Column("heap_used_mib", s -> mib(s.resources().heapUsedBytes())));
        c.add(new Column("nonheap_used_mib", s -> mib(s.resources().nonHeapUsedBytes())));
        c.add(new Column("direct_buffers_mib", s -> mib(s.resources().directBufferBytes())));
        c.add(new Column("jvm_threads", s -> s.resources().jvmThreads()));
        c.add(new Column("os_threads", s -> s.resources().osThreads()));
        c.add(new Column("open_fds", s -> s.resources().openFds()));
        c.add(new Column("store_mib", s -> mib(s.resources().storeBytes())));
        c.add(new Column("backlog", s -> s.resources().backlog()));
        c.add(new Column("gc_pauses", s -> s.resources().gcPauses()));
        c.add(new Column("gc_old_pauses", s -> s.resources().oldGcPauses()));
        c.add(new Column("server_cpu", s -> cpu(s, CpuShare::serverCores)));
        c.add(new Column("harness_cpu", s -> cpu(s, CpuShare::harnessCores)));
        c.add(new Column("other_cpu", s -> cpu(s, CpuShare::otherCores)));
        c.add(new Column("dispatch_lag_max_ms", Sample::maxDispatchLagMs));
        latency(c, "all", Sample::all);
        for (RequestKind kind : RequestKind.values()) {
            latency(c, kind.label(), s -> s.kinds().get(kind.label()));
        }
        return c;
    }

    private static void latency(List<Column> c, String prefix, Function<Sample, LatencyStats> stats) {
        String p = prefix.replace('-', '_');
        c.add(new Column(p + "_rps", s -> stats.apply(s).okPerSecond()));
        c.add(new Column(p + "_errors", s -> stats.apply(s).errors()));
        c.add(new Column(p + "_p50_ms", s -> stats.apply(s).p50Ms()));
        c.add(new Column(p + "_p99_ms", s -> stats.apply(s).p99Ms()));
        c.add(new Column(p + "_max_ms", s -> stats.apply(s).maxMs()));
    }

    private static Double cpu(Sample s, Function<CpuShare, Double> part) {
        return s.resources().cpu() == null ? null : part.apply(s.resources().cpu());
    }

    private static Double mib(Long bytes) {
        return bytes == null ? null : bytes / MIB;
    }

    private static String cell(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof Double d) {
            return String.format(Locale.ROOT, "%.3f", d);
        }
        return v.toString();
    }
}
