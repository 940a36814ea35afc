package io.bulwark.bench.jobsdb;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bulwark.core.json.Json;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeSet;

/**
 * The figures of one {@code jobs-db} run and what follows from them: jobs/s per system and node
 * count, Bulwark against the faster peer and against the pgbench ceiling, and the single-enqueue
 * latencies against the goals.
 */
final class JobsDbReport {

    static final String BULWARK = "bulwark";
    /** Goals of the stores issue. */
    static final double GOAL_PEER_RATIO = 2.0;
    static final double GOAL_CEILING_SHARE = 0.5;
    static final double GOAL_TX_ENQUEUE_P99_MS = 5.0;

    private final List<ThroughputResult> throughput = new ArrayList<>();
    private final List<Ceiling> ceilings = new ArrayList<>();
    private String ceilingSkipped;
    private Optional<Latency> latency = Optional.empty();

    /** A pgbench figure, in jobs per second. */
    record Ceiling(String name, double rowsPerSecond, String script, int clients, int seconds) {
    }

    /** p50/p99 in milliseconds of the two single enqueues. */
    record Latency(int calls, double txP50, double txP99, double plainP50, double plainP99) {
    }

    void add(ThroughputResult r) {
        throughput.add(r);
    }

    void ceiling(Ceiling c) {
        ceilings.add(c);
    }

    void ceilingSkipped(String why) {
        ceilingSkipped = why;
    }

    void latency(Latency l) {
        latency = Optional.of(l);
    }

    List<ThroughputResult> throughput() {
        return List.copyOf(throughput);
    }

    Optional<ThroughputResult> find(String system, int nodes) {
        return throughput.stream().filter(r -> r.system().equals(system) && r.nodes() == nodes).findFirst();
    }

    /** The faster peer (not Bulwark) at {@code nodes}, if any peer ran. */
    Optional<ThroughputResult> fastestPeer(int nodes) {
        return throughput.stream().filter(r -> !r.system().equals(BULWARK) && r.nodes() == nodes)
                .max((a, b) -> Double.compare(a.runPerSecond(), b.runPerSecond()));
    }

    /** Bulwark's run rate ÷ the faster peer's, at {@code nodes}. */
    OptionalDouble peerRatio(int nodes) {
        Optional<ThroughputResult> b = find(BULWARK, nodes);
        Optional<ThroughputResult> p = fastestPeer(nodes);
        return b.isPresent() && p.isPresent() ? OptionalDouble.of(b.get().runPerSecond() / p.get().runPerSecond())
                : OptionalDouble.empty();
    }

    /** Bulwark's run rate as a share of pgbench ceiling {@code c}, at {@code nodes}. */
    OptionalDouble ceilingShare(int nodes, Ceiling c) {
        Optional<ThroughputResult> b = find(BULWARK, nodes);
        return b.isPresent() ? OptionalDouble.of(b.get().runPerSecond() / c.rowsPerSecond()) : OptionalDouble.empty();
    }

    /** The report as text: one table, then the goals. */
    String table() {
        StringBuilder out = new StringBuilder();
        TreeSet<Integer> nodeCounts = new TreeSet<>();
        throughput.forEach(r -> nodeCounts.add(r.nodes()));
        out.append(String.format(Locale.ROOT, "%-15s %5s %10s %11s %7s %14s %10s%n", "system", "nodes", "enqueue/s", "run jobs/s",
                "run s", "CPU µs/job j+db", "load b/a"));
        for (ThroughputResult r : throughput) {
            out.append(String.format(Locale.ROOT, "%-15s %5d %10.0f %11.0f %7.2f %6.0f + %-6.0f %4.1f/%-4.1f%n", r.system(), r.nodes(),
                    r.enqueuePerSecond(), r.runPerSecond(), r.runSeconds(), r.jvmMicrosPerJob(), r.dbMicrosPerJob(), r.loadBefore(),
                    r.loadAfter()));
        }
        for (Ceiling c : ceilings) {
            out.append(String.format(Locale.ROOT, "%-15s %5s %10s %11.0f   (%s, -c %d, %d s)%n", "pgbench " + c.name(), "-", "-",
                    c.rowsPerSecond(), c.script(), c.clients(), c.seconds()));
        }
        if (ceilings.isEmpty()) {
            out.append("pgbench ceiling: skipped").append(ceilingSkipped == null ? "" : " (" + ceilingSkipped + ")").append('\n');
        }
        out.append('\n');
        for (int n : nodeCounts) {
            OptionalDouble ratio = peerRatio(n);
            String peer = fastestPeer(n).map(ThroughputResult::system).orElse("none");
            out.append(String.format(Locale.ROOT, "%d node(s): Bulwark ÷ faster peer (%s) = %s (goal >= %.1f: %s)", n, peer,
                    ratio.isPresent() ? String.format(Locale.ROOT, "%.2f", ratio.getAsDouble()) : "n/a", GOAL_PEER_RATIO,
                    verdict(ratio, GOAL_PEER_RATIO)));
            for (Ceiling c : ceilings) {
                OptionalDouble share = ceilingShare(n, c);
                out.append(String.format(Locale.ROOT, "; ÷ pgbench %s = %s (goal >= %.0f%%: %s)", c.name(),
                        share.isPresent() ? String.format(Locale.ROOT, "%.0f%%", share.getAsDouble() * 100) : "n/a",
                        GOAL_CEILING_SHARE * 100, verdict(share, GOAL_CEILING_SHARE)));
            }
            out.append('\n');
        }
        latency.ifPresent(l -> out.append(String.format(Locale.ROOT,
                "single enqueue over %d calls: transactional (enqueue(connection, job) + commit) p50 %.2f ms, p99 %.2f ms "
                        + "(goal p99 < %.0f ms: %s); plain enqueue(job) p50 %.2f ms, p99 %.2f ms%n",
                l.calls(), l.txP50(), l.txP99(), GOAL_TX_ENQUEUE_P99_MS, l.txP99() < GOAL_TX_ENQUEUE_P99_MS ? "met" : "missed",
                l.plainP50(), l.plainP99())));
        return out.toString();
    }

    private static String verdict(OptionalDouble value, double goal) {
        return value.isEmpty() ? "n/a" : value.getAsDouble() >= goal ? "met" : "missed";
    }

    /** The report as JSON, with the machine line. */
    ObjectNode json(String machine) {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("machine", machine);
        ArrayNode rows = root.putArray("throughput");
        for (ThroughputResult r : throughput) {
            rows.addObject().put("system", r.system()).put("nodes", r.nodes()).put("jobs", r.jobs())
                    .put("enqueuePerSecond", r.enqueuePerSecond()).put("runPerSecond", r.runPerSecond())
                    .put("runSeconds", r.runSeconds()).put("settings", r.settings())
                    .put("loadBefore", r.loadBefore()).put("loadAfter", r.loadAfter())
                    .put("jvmCpuMicrosPerJob", r.jvmMicrosPerJob()).put("dbCpuMicrosPerJob", r.dbMicrosPerJob());
        }
        ObjectNode pgbench = root.putObject("pgbench");
        ceilings.forEach(c -> pgbench.putObject(c.name()).put("jobsPerSecond", c.rowsPerSecond()).put("clients", c.clients())
                .put("seconds", c.seconds()).put("script", c.script()));
        if (ceilings.isEmpty() && ceilingSkipped != null) {
            pgbench.put("skipped", ceilingSkipped);
        }
        ObjectNode goals = root.putObject("goals");
        new TreeSet<>(throughput.stream().map(ThroughputResult::nodes).toList()).forEach(n -> {
            ObjectNode g = goals.putObject(n + "-nodes");
            peerRatio(n).ifPresent(v -> g.put("bulwarkOverFasterPeer", v));
            ceilings.forEach(c -> ceilingShare(n, c).ifPresent(v -> g.put("bulwarkShareOfPgbench-" + c.name(), v)));
        });
        latency.ifPresent(l -> root.putObject("singleEnqueueMs").put("calls", l.calls()).put("transactionalP50", l.txP50())
                .put("transactionalP99", l.txP99()).put("plainP50", l.plainP50()).put("plainP99", l.plainP99()));
        return root;
    }

    /** Parses {@code --nodes 1,3}: distinct positive counts in the order given. */
    static List<Integer> parseNodes(String spec) {
        List<Integer> out = new ArrayList<>();
        for (String part : spec.split(",")) {
            String p = part.trim();
            int n;
            try {
                n = Integer.parseInt(p);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--nodes takes counts separated by commas, like 1,3, but had '" + p + "'");
            }
            if (n < 1 || n > 16) {
                throw new IllegalArgumentException("--nodes counts must be from 1 to 16 but one was " + n);
            }
            if (!out.contains(n)) {
                out.add(n);
            }
        }
        return out;
    }
}
