package io.bulwark.bench.fleet;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bulwark.core.json.Json;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.ToLongFunction;

/**
 * The figures of one {@code fleet} run: jobs/s per system and node count with what PostgreSQL did
 * meanwhile, how each system grew with nodes, and the failover runs with their median and worst.
 */
final class FleetReport {

    private final List<FleetThroughput> throughput = new ArrayList<>();
    private final List<FailoverResult> failovers = new ArrayList<>();
    private Duration heartbeat = Duration.ZERO;
    private int deadAfter;

    void add(FleetThroughput r) {
        throughput.add(r);
    }

    void add(FailoverResult r) {
        failovers.add(r);
    }

    /** The cluster settings the failover runs used. */
    void failoverSettings(Duration heartbeat, int deadAfter) {
        this.heartbeat = heartbeat;
        this.deadAfter = deadAfter;
    }

    List<FleetThroughput> throughput() {
        return List.copyOf(throughput);
    }

    /** {@code system}'s jobs/s at {@code nodes} ÷ at its fewest nodes, if both ran. */
    Optional<Double> growth(String system, int nodes) {
        Optional<FleetThroughput> base = throughput.stream().filter(r -> r.system().equals(system))
                .min((a, b) -> Integer.compare(a.nodes(), b.nodes()));
        Optional<FleetThroughput> at = throughput.stream().filter(r -> r.system().equals(system) && r.nodes() == nodes).findFirst();
        return base.isPresent() && at.isPresent() ? Optional.of(at.get().runPerSecond() / base.get().runPerSecond()) : Optional.empty();
    }

    /** Median and worst of one failover figure over the runs {@code role} selects ("leader", "follower" or null for all). */
    record Spread(int runs, double median, long worst) {
    }

    Optional<Spread> spread(String role, ToLongFunction<FailoverResult> figure) {
        List<Long> values = failovers.stream().filter(r -> role == null || r.victimRole().equals(role))
                .map(figure::applyAsLong).sorted().toList();
        if (values.isEmpty()) {
            return Optional.empty();
        }
        int n = values.size();
        double median = n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2.0;
        return Optional.of(new Spread(n, median, values.getLast()));
    }

    /** The report as text: the throughput table, growth and waits, then the failover runs and their summary. */
    String table() {
        StringBuilder out = new StringBuilder();
        if (!throughput.isEmpty()) {
            out.append(String.format(Locale.ROOT, "%-13s %5s %8s %7s %7s %9s %9s %6s %6s %6s %9s %7s %5s  %s%n", "system", "nodes",
                    "jobs/s", "run s", "start s", "after/s", "enqueue/s", "node c", "PG c", "busy c", "commits/s", "com/job",
                    "lockw", "limit"));
            for (FleetThroughput r : throughput) {
                DbActivity d = r.db();
                out.append(String.format(Locale.ROOT, "%-13s %5d %,8.0f %7.2f %7.2f %9s %,9.0f %6.2f %6.2f %6.2f %,9.0f %7.2f %4.0f%%  %s%n",
                        r.system(), r.nodes(), r.runPerSecond(), r.runSeconds(), r.firstSeconds(),
                        Double.isNaN(r.afterFirstPerSecond()) ? "n/a" : String.format(Locale.ROOT, "%,.0f", r.afterFirstPerSecond()),
                        r.enqueuePerSecond(), r.nodeCores(), d.pgCores(), d.busyCores(), d.commitsPerSecond(), r.commitsPerJob(),
                        d.lockWaitShare() * 100, r.limit()));
            }
            out.append("(jobs/s and run s include the JVMs' start-up; start s: until the first job was seen done; after/s: jobs/s "
                    + "from then on; c: cores used on average; lockw: samples with a lock wait)\n\n");
            throughput.stream().map(FleetThroughput::system).distinct().forEach(system -> {
                out.append(system).append(" with more nodes:");
                throughput.stream().filter(r -> r.system().equals(system)).forEach(r -> out.append(String.format(Locale.ROOT,
                        " %d → %.2f×", r.nodes(), growth(system, r.nodes()).orElse(Double.NaN))));
                out.append('\n');
            });
            out.append('\n');
            for (FleetThroughput r : throughput) {
                out.append(String.format(Locale.ROOT, "%s, %d node(s): %.1f active sessions on average; sessions waiting per sample:",
                        r.system(), r.nodes(), r.db().meanActive()));
                r.db().topWaits(4).forEach((k, v) -> out.append(String.format(Locale.ROOT, " %s %.2f", k, v)));
                out.append(String.format(Locale.ROOT, "; load %.1f → %.1f%n", r.loadBefore(), r.loadAfter()));
            }
        }
        if (!failovers.isEmpty()) {
            out.append('\n').append(String.format(Locale.ROOT,
                    "failover: 2 workers, kill -9 of one; cluster.heartbeat %d ms, cluster.deadAfter %d; ms after the kill (database clock)%n",
                    heartbeat.toMillis(), deadAfter));
            out.append(String.format(Locale.ROOT, "%4s %-9s %5s %7s %11s %9s %12s %15s  %s%n", "run", "killed", "jobs", "hb age",
                    "new leader", "declared", "last rescue", "running again", "cause"));
            for (FailoverResult r : failovers) {
                out.append(String.format(Locale.ROOT, "%4d %-9s %5d %7d %11s %9d %12d %15d  %s%n", r.run(), r.victimRole(), r.jobsHeld(),
                        r.heartbeatAgeMs(), r.newLeaderMs() < 0 ? "-" : Long.toString(r.newLeaderMs()), r.declaredMs(),
                        r.lastRescueMs(), r.lastRunningMs(), r.cause()));
            }
            for (String role : new String[] {null, FailoverRun.LEADER, FailoverRun.FOLLOWER}) {
                Optional<Spread> declared = spread(role, FailoverResult::declaredMs);
                Optional<Spread> running = spread(role, FailoverResult::lastRunningMs);
                if (declared.isPresent()) {
                    out.append(String.format(Locale.ROOT,
                            "%-16s (%d runs): kill → declared median %.0f ms, worst %d ms; kill → last job running elsewhere "
                                    + "median %.0f ms, worst %d ms%n",
                            role == null ? "all" : role + " killed", declared.get().runs(), declared.get().median(),
                            declared.get().worst(), running.get().median(), running.get().worst()));
                }
            }
        }
        return out.toString();
    }

    /** The report as JSON, with the machine and database lines and the options. */
    ObjectNode json(String machine, String postgres, ObjectNode options) {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("machine", machine);
        root.put("postgresql", postgres);
        root.set("options", options);
        ArrayNode rows = root.putArray("throughput");
        for (FleetThroughput r : throughput) {
            DbActivity d = r.db();
            ObjectNode row = rows.addObject().put("system", r.system()).put("nodes", r.nodes()).put("jobs", r.jobs())
                    .put("runPerSecond", r.runPerSecond()).put("runSeconds", r.runSeconds())
                    .put("firstJobSeconds", r.firstSeconds()).put("enqueuePerSecond", r.enqueuePerSecond())
                    .put("settings", r.settings()).put("nodeCpuSeconds", r.nodeCpuSeconds())
                    .put("loadBefore", r.loadBefore()).put("loadAfter", r.loadAfter());
            if (!Double.isNaN(r.afterFirstPerSecond())) {
                row.put("afterFirstJobPerSecond", r.afterFirstPerSecond());
            }
            growth(r.system(), r.nodes()).ifPresent(g -> row.put("growthOverFewestNodes", g));
            ArrayNode exits = row.putArray("exitCodes");
            r.exitCodes().forEach(exits::add);
            ObjectNode db = row.putObject("postgresql").put("cpuSeconds", d.pgCpuSeconds()).put("cores", d.pgCores())
                    .put("machineBusyCores", d.busyCores()).put("machineCores", d.cores()).put("commits", d.commits())
                    .put("commitsPerSecond", d.commitsPerSecond()).put("commitsPerJob", r.commitsPerJob())
                    .put("activitySamples", d.samples()).put("lockWaitShare", d.lockWaitShare())
                    .put("meanActiveSessions", d.meanActive()).put("limit", r.limit());
            ObjectNode waits = db.putObject("meanSessionsWaiting");
            d.topWaits(Integer.MAX_VALUE).forEach(waits::put);
        }
        if (!failovers.isEmpty()) {
            ObjectNode f = root.putObject("failover").put("heartbeatMs", heartbeat.toMillis()).put("deadAfter", deadAfter);
            ArrayNode runs = f.putArray("runs");
            for (FailoverResult r : failovers) {
                runs.addObject().put("run", r.run()).put("killed", r.victimRole()).put("node", r.victimNode())
                        .put("jobsHeld", r.jobsHeld()).put("killWallMs", r.killWallMs()).put("killDbMs", r.killDbMs())
                        .put("heartbeatAgeMs", r.heartbeatAgeMs()).put("newLeaderMs", r.newLeaderMs())
                        .put("declaredMs", r.declaredMs()).put("lastRescueMs", r.lastRescueMs())
                        .put("lastRunningElsewhereMs", r.lastRunningMs()).put("cause", r.cause());
            }
            ObjectNode summary = f.putObject("summary");
            for (String role : new String[] {null, FailoverRun.LEADER, FailoverRun.FOLLOWER}) {
                spread(role, FailoverResult::declaredMs).ifPresent(declared -> {
                    Spread running = spread(role, FailoverResult::lastRunningMs).orElseThrow();
                    summary.putObject(role == null ? "all" : role + "Killed").put("runs", declared.runs())
                            .put("declaredMedianMs", declared.median()).put("declaredWorstMs", declared.worst())
                            .put("runningElsewhereMedianMs", running.median()).put("runningElsewhereWorstMs", running.worst());
                });
            }
        }
        return root;
    }
}
