package io.bulwark.cli.resources;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.cli.commands.ApiCommand;
import io.bulwark.cli.internal.Output;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code bulwark resources [--watch]}: a node's resources now, with a sparkline of their history. */
@Command(name = "resources", mixinStandardHelpOptions = true,
        description = {"A node's CPU, memory, threads, file descriptors, GC and I/O now, against its limits, with a "
                + "sparkline of the history the node keeps.", "--watch redraws every --interval until interrupted."})
final class ResourcesCommand extends ApiCommand implements Runnable {

    private static final char[] BARS = {'▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'};
    private static final List<String> SHOWN = List.of("cpu.process", "cpu.system", "cpu.limitCores", "cpu.throttledPerSec",
            "heap.used", "heap.percent", "nonHeap.used", "memory.rss", "memory.limit", "memory.percent", "threads",
            "fds.open", "fds.percent", "gc.pausePerSec", "disk.readPerSec", "disk.writePerSec", "net.receivedPerSec",
            "net.sentPerSec");

    @picocli.CommandLine.Mixin
    io.bulwark.cli.internal.Redraw redraw;

    @Override
    public void run() {
        PrintWriter out = out();
        redraw.run(out, () -> {
            JsonNode body = client().get("/api/v1/resources");
            if (output.json()) {
                Output.json(out, body);
            } else {
                draw(out, body);
            }
        });
    }

    private static void draw(PrintWriter out, JsonNode body) {
        JsonNode current = body.path("current");
        out.println("sampled " + current.path("at").asText() + ", every " + body.path("interval").asText() + ", "
                + body.path("history").size() + " of " + body.path("capacity").asInt() + " samples kept");
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String figure : SHOWN) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("figure", figure);
            row.put("now", format(figure, current.path("figures").path(figure).asDouble(-1)));
            JsonNode limit = body.path("limits").path(figure);
            row.put("limit", limit.isMissingNode() ? "" : format(figure, limit.asDouble()));
            List<Double> series = new ArrayList<>();
            body.path("history").forEach(s -> series.add(s.path("figures").path(figure).asDouble(-1)));
            row.put("history", sparkline(series, 40));
            rows.add(row);
        }
        Output.table(out, List.of("figure", "now", "limit", "history"), rows);
        body.path("exceeded").forEach(b -> out.println("over its limit: " + b.path("figure").asText() + " at "
                + format(b.path("figure").asText(), b.path("value").asDouble()) + " (limit "
                + format(b.path("figure").asText(), b.path("limit").asDouble()) + ")"));
    }

    /** The last {@code width} values as bars scaled between their minimum and maximum; unknown values as spaces. */
    static String sparkline(List<Double> values, int width) {
        List<Double> tail = values.subList(Math.max(0, values.size() - width), values.size());
        double min = tail.stream().filter(v -> v >= 0).mapToDouble(Double::doubleValue).min().orElse(0);
        double max = tail.stream().filter(v -> v >= 0).mapToDouble(Double::doubleValue).max().orElse(0);
        StringBuilder b = new StringBuilder();
        for (double v : tail) {
            if (v < 0) {
                b.append(' ');
            } else if (max == min) {
                b.append(BARS[0]);
            } else {
                b.append(BARS[(int) Math.min(BARS.length - 1, Math.floor((v - min) / (max - min) * BARS.length))]);
            }
        }
        return b.toString();
    }

    static String format(String figure, double v) {
        if (v < 0) {
            return "-";
        }
        if (figure.endsWith("percent")) {
            return String.format(Locale.ROOT, "%.1f%%", v);
        }
        if (figure.startsWith("cpu.process") || figure.startsWith("cpu.system")) {
            return String.format(Locale.ROOT, "%.1f%%", v * 100);
        }
        if (figure.endsWith(".used") || figure.endsWith(".rss") || figure.endsWith(".limit") || figure.endsWith(".max")
                || figure.endsWith("PerSec") && (figure.startsWith("disk") || figure.startsWith("net"))) {
            return bytes(v) + (figure.endsWith("PerSec") ? "/s" : "");
        }
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.3f", v);
    }

    private static String bytes(double v) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        int i = 0;
        while (v >= 1024 && i < units.length - 1) {
            v /= 1024;
            i++;
        }
        return String.format(Locale.ROOT, i == 0 ? "%.0f %s" : "%.1f %s", v, units[i]);
    }
}
