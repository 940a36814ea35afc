package io.bulwark.bench.fleet;

import io.bulwark.bench.TempDirs;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bulwark.bench.Machine;
import io.bulwark.bench.http.DurationConverter;
import io.bulwark.bench.jobsdb.BenchDatabase;
import io.bulwark.bench.jobsdb.DbSchedulerRun;
import io.bulwark.bench.jobsdb.JobRunrRun;
import io.bulwark.core.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code bulwark-bench fleet}: Bulwark as a fleet of real {@code bulwark worker} processes on one
 * PostgreSQL, beside db-scheduler and JobRunr with as many processes, in the same run and database.
 * Throughput: per node count and system, no-op jobs/s from starting the processes until the last
 * job is done, with the database's CPU, commit rate and lock waits meanwhile. Failover: two workers,
 * one killed with SIGKILL, the time until the leader declares it dead and until its jobs run again
 * on the other.
 *
 * <pre>{@code
 * scripts/bench.sh fleet --jobs 50000 --nodes 1,2,3 --failover-runs 10 [--json target/bench/fleet.json]
 * }</pre>
 */
@Command(name = "fleet", mixinStandardHelpOptions = true,
        description = "Worker processes on PostgreSQL: jobs/s with 1, 2, 3 nodes beside db-scheduler and JobRunr with as many "
                + "processes, where the ceiling is, and failover time after kill -9.")
public final class FleetBenchCommand implements Callable<Integer> {

    static final List<String> SYSTEMS = List.of(FleetSystem.Bulwark.NAME, DbSchedulerRun.SYSTEM, JobRunrRun.SYSTEM);
    static final List<String> KILLS = List.of("alternate", FailoverRun.LEADER, FailoverRun.FOLLOWER);

    @Option(names = "--jobs", defaultValue = "50000", description = "No-op jobs per throughput run; 0 skips throughput (default ${DEFAULT-VALUE}).")
    int jobs;

    @Option(names = "--nodes", defaultValue = "1,2,3", description = "Node process counts, comma-separated (default ${DEFAULT-VALUE}).")
    String nodes;

    @Option(names = "--systems", defaultValue = "bulwark,db-scheduler,jobrunr", split = ",",
            description = "Systems to measure, of ${DEFAULT-VALUE}.")
    List<String> systems;

    @Option(names = "--url", defaultValue = "jdbc:postgresql://127.0.0.1:5432/test", description = "The database (default ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--user", defaultValue = "postgres", description = "A user that may create schemas (default ${DEFAULT-VALUE}).")
    String user;

    @Option(names = "--enqueue-batch", defaultValue = "1000", description = "Jobs per enqueue call (default ${DEFAULT-VALUE}).")
    int enqueueBatch;

    @Option(names = "--concurrency", defaultValue = "400",
            description = "Bulwark: jobs.concurrency of each worker in the throughput runs (default ${DEFAULT-VALUE}, as jobs-db).")
    int concurrency;

    @Option(names = "--dbs-threads", defaultValue = "20", description = "db-scheduler: threads per node (default ${DEFAULT-VALUE}).")
    int dbsThreads;

    @Option(names = "--jobrunr-workers", defaultValue = "32", description = "JobRunr: workers per node (default ${DEFAULT-VALUE}).")
    int jobrunrWorkers;

    @Option(names = "--failover-runs", defaultValue = "10", description = "Failover runs; 0 skips failover (default ${DEFAULT-VALUE}).")
    int failoverRuns;

    @Option(names = "--failover-jobs", defaultValue = "2000", description = "builtin.sleep jobs per failover run (default ${DEFAULT-VALUE}).")
    int failoverJobs;

    @Option(names = "--failover-sleep", defaultValue = "200ms", converter = DurationConverter.class,
            description = "How long each of them sleeps (default ${DEFAULT-VALUE}).")
    Duration failoverSleep;

    @Option(names = "--failover-concurrency", defaultValue = "1000",
            description = "jobs.concurrency of each failover worker: room for half the jobs, so rescued jobs never wait "
                    + "behind a backlog (default ${DEFAULT-VALUE}).")
    int failoverConcurrency;

    @Option(names = "--heartbeat", defaultValue = "1s", converter = DurationConverter.class,
            description = "cluster.heartbeat of the failover workers (default ${DEFAULT-VALUE}).")
    Duration heartbeat;

    @Option(names = "--dead-after", defaultValue = "3", description = "cluster.deadAfter of the failover workers (default ${DEFAULT-VALUE}).")
    int deadAfter;

    @Option(names = "--kill", defaultValue = "alternate",
            description = "Which worker a failover run kills: alternate (odd runs the follower, even runs the leader), leader "
                    + "or follower (default ${DEFAULT-VALUE}).")
    String kill;

    @Option(names = "--jar", defaultValue = "bulwark-cli/target/bulwark.jar",
            description = "The bulwark.jar the workers run (default: ${DEFAULT-VALUE}, relative to the working directory).")
    Path jar;

    @Option(names = "--jvm-arg", paramLabel = "ARG", description = "A JVM option for every node process, e.g. --jvm-arg=-Xmx512m (repeatable).")
    List<String> jvmArgs = new ArrayList<>();

    @Option(names = "--worker-arg", paramLabel = "ARG",
            description = "An extra bulwark worker flag, e.g. --worker-arg=--store.pool.size=4 (repeatable).")
    List<String> workerArgs = new ArrayList<>();

    @Option(names = "--timeout", defaultValue = "600s", converter = DurationConverter.class,
            description = "Longest a throughput run may take (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--keep-logs", description = "Keep the nodes' logs and data directories even when the run succeeds.")
    boolean keepLogs;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the figures as JSON to this file.")
    Path json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<String> problems = validate();
        if (!problems.isEmpty()) {
            problems.forEach(p -> err.println("fleet: " + p));
            err.flush();
            return 2;
        }
        io.bulwark.server.logging.LogSetup.configure("text", "WARN");
        // JobRunr's enqueue here warns whenever its job filter takes over 10 ms, which on a loaded machine is
        // every few batches; as in jobs-db, the console need not say so.
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("org.jobrunr")).setLevel(ch.qos.logback.classic.Level.ERROR);
        List<Integer> nodeCounts = parseNodes(nodes);
        BenchDatabase db = new BenchDatabase(url, user);
        String machine = Machine.current().describe();
        String postgres = db.serverSettings();
        out.printf("fleet: %s%n", Instant.now());
        out.printf("machine: %s%n", machine);
        out.printf("PostgreSQL: %s, at %s%n", postgres, url);
        out.printf(Locale.ROOT, "load average %.2f%n%n", BenchDatabase.loadAverage());
        out.flush();

        Path work = Files.createTempDirectory("bulwark-fleet-");
        NodeLauncher launcher = new NodeLauncher(javaExecutable(), jar.toAbsolutePath().normalize(), absoluteClassPath(), work, user,
                jvmArgs, workerArgs);
        FleetReport report = new FleetReport();
        boolean clean = false;
        try {
            if (jobs > 0) {
                throughput(out, db, launcher, nodeCounts, report);
            }
            if (failoverRuns > 0) {
                failover(out, db, launcher, report);
            }
            out.println();
            report.throughput().stream().map(r -> r.system() + ": " + r.settings()).distinct()
                    .forEach(line -> out.println("settings of " + line));
            if (!workerArgs.isEmpty() || !jvmArgs.isEmpty()) {
                out.println("worker flags added: " + workerArgs + "; JVM options of every node: " + jvmArgs);
            }
            out.println();
            out.print(report.table());
            out.flush();
            if (json != null) {
                if (json.getParent() != null) {
                    Files.createDirectories(json.getParent());
                }
                Files.writeString(json, Json.mapper().writerWithDefaultPrettyPrinter()
                        .writeValueAsString(report.json(machine, postgres, options())));
                out.println("written to " + json);
            }
            clean = true;
            return 0;
        } finally {
            if (clean && !keepLogs) {
                TempDirs.deleteTree(work);
            } else {
                err.println("fleet: node logs kept in " + work);
                err.flush();
            }
        }
    }

    private void throughput(PrintWriter out, BenchDatabase db, NodeLauncher launcher, List<Integer> nodeCounts, FleetReport report)
            throws Exception {
        List<FleetSystem> chosen = new ArrayList<>();
        for (String s : SYSTEMS) {
            if (systems.contains(s)) {
                chosen.add(switch (s) {
                    case FleetSystem.Bulwark.NAME -> new FleetSystem.Bulwark(concurrency);
                    case DbSchedulerRun.SYSTEM -> new FleetSystem.DbScheduler(new DbSchedulerRun(dbsThreads, 4.0, 20.0, Duration.ofMillis(100)));
                    default -> new FleetSystem.JobRunr(new JobRunrRun(jobrunrWorkers, jobrunrWorkers + 2, Duration.ofSeconds(5)));
                });
            }
        }
        ThroughputRun run = new ThroughputRun(db, PostgresCpu.of(db), launcher, jobs, enqueueBatch, timeout);
        for (int n : nodeCounts) {
            for (FleetSystem system : chosen) {
                out.printf(Locale.ROOT, "%s, %d node process(es), %d jobs: load %.2f before ... ", system.name(), n, jobs,
                        BenchDatabase.loadAverage());
                out.flush();
                FleetThroughput r = run.run(system, n);
                report.add(r);
                out.printf(Locale.ROOT, "%.0f jobs/s (%.2f s, first job done at %.2f s); PostgreSQL %.2f cores, %,.0f commits/s, "
                                + "lock waits in %.0f%% of samples; load %.2f after%n", r.runPerSecond(), r.runSeconds(), r.firstSeconds(),
                        r.db().pgCores(), r.db().commitsPerSecond(), r.db().lockWaitShare() * 100, r.loadAfter());
                out.flush();
            }
        }
    }

    private void failover(PrintWriter out, BenchDatabase db, NodeLauncher launcher, FleetReport report) throws Exception {
        report.failoverSettings(heartbeat, deadAfter);
        FailoverRun run = new FailoverRun(db, launcher, failoverJobs, failoverSleep.toMillis(), failoverConcurrency, heartbeat,
                deadAfter);
        for (int i = 1; i <= failoverRuns; i++) {
            String role = switch (kill) {
                case "alternate" -> i % 2 == 1 ? FailoverRun.FOLLOWER : FailoverRun.LEADER;
                default -> kill;
            };
            out.printf(Locale.ROOT, "failover %d of %d, killing the %s: load %.2f before ... ", i, failoverRuns, role,
                    BenchDatabase.loadAverage());
            out.flush();
            FailoverResult r = run.run(i, role);
            report.add(r);
            out.printf(Locale.ROOT, "it held %d jobs, declared dead after %d ms, all running again after %d ms (%s)%n", r.jobsHeld(),
                    r.declaredMs(), r.lastRunningMs(), r.cause());
            out.flush();
        }
    }

    /** Every problem with the options, so that one run reports them all. */
    List<String> validate() {
        List<String> problems = new ArrayList<>();
        if (jobs < 0) {
            problems.add("--jobs must be >= 0 but was " + jobs);
        }
        try {
            parseNodes(nodes);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        systems.stream().filter(s -> !SYSTEMS.contains(s))
                .forEach(s -> problems.add("--systems takes " + String.join(", ", SYSTEMS) + " but had '" + s + "'"));
        if (!KILLS.contains(kill)) {
            problems.add("--kill takes " + String.join(", ", KILLS) + " but had '" + kill + "'");
        }
        if (enqueueBatch < 1) {
            problems.add("--enqueue-batch must be >= 1 but was " + enqueueBatch);
        }
        if (failoverRuns < 0) {
            problems.add("--failover-runs must be >= 0 but was " + failoverRuns);
        }
        if (failoverJobs < 2) {
            problems.add("--failover-jobs must be >= 2 but was " + failoverJobs);
        }
        if (deadAfter < 2 || deadAfter > 100) {
            problems.add("--dead-after must be from 2 to 100 (cluster.deadAfter) but was " + deadAfter);
        }
        if (heartbeat.compareTo(Duration.ofMillis(100)) < 0) {
            problems.add("--heartbeat must be at least 100ms (cluster.heartbeat) but was " + heartbeat.toMillis() + "ms");
        }
        if (!Files.isRegularFile(jar) && (failoverRuns > 0 || (jobs > 0 && systems.contains(FleetSystem.Bulwark.NAME)))) {
            problems.add("--jar " + jar.toAbsolutePath().normalize() + " does not exist; build it with "
                    + "'./mvnw -B -q -o -pl bulwark-bench -am package -DskipTests' (scripts/bench.sh does) or point --jar at one");
        }
        return problems;
    }

    /** Parses {@code --nodes 1,2,3}: distinct counts from 1 to 8 in the order given. */
    static List<Integer> parseNodes(String spec) {
        List<Integer> out = new ArrayList<>();
        for (String part : spec.split(",")) {
            int n;
            try {
                n = Integer.parseInt(part.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--nodes takes counts separated by commas, like 1,2,3, but had '" + part.trim() + "'");
            }
            if (n < 1 || n > 8) {
                throw new IllegalArgumentException("--nodes counts must be from 1 to 8 but one was " + n);
            }
            if (!out.contains(n)) {
                out.add(n);
            }
        }
        return out;
    }

    private ObjectNode options() {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("jobs", jobs).put("nodes", nodes).put("systems", String.join(",", systems)).put("enqueueBatch", enqueueBatch)
                .put("concurrency", concurrency).put("dbsThreads", dbsThreads).put("jobrunrWorkers", jobrunrWorkers)
                .put("failoverRuns", failoverRuns).put("failoverJobs", failoverJobs).put("failoverSleepMs", failoverSleep.toMillis())
                .put("failoverConcurrency", failoverConcurrency).put("heartbeatMs", heartbeat.toMillis()).put("deadAfter", deadAfter)
                .put("kill", kill).put("jvmArgs", String.join(" ", jvmArgs)).put("workerArgs", String.join(" ", workerArgs));
        return o;
    }

    private static Path javaExecutable() {
        return Path.of(ProcessHandle.current().info().command()
                .orElseThrow(() -> new IllegalStateException("cannot tell which java runs this harness")));
    }

    /** This JVM's class path with absolute entries: the peers run in the work directory. */
    private static String absoluteClassPath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(p -> Path.of(p).toAbsolutePath().normalize().toString()).collect(Collectors.joining(File.pathSeparator));
    }
}
