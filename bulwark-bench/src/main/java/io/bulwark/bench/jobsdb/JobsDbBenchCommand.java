package io.bulwark.bench.jobsdb;

import io.bulwark.bench.Machine;
import io.bulwark.core.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code bulwark-bench jobs-db}: job throughput on one local PostgreSQL, Bulwark's
 * {@code DatabaseJobStore} and its peers side by side in one run (issue #11). For each system and
 * node count, in a schema of its own: enqueue every no-op job in batches (timed: the enqueue rate),
 * then start the workers and time until every job is recorded as done (the run rate). Then the
 * pgbench ceiling on Bulwark's table, and the single-enqueue latencies.
 *
 * <pre>{@code
 * scripts/bench.sh jobs-db --jobs 100000 --nodes 1,3 [--json target/bench/jobs-db.json]
 * }</pre>
 */
@Command(name = "jobs-db", mixinStandardHelpOptions = true,
        description = "Jobs on PostgreSQL: Bulwark's DatabaseJobStore, db-scheduler and JobRunr side by side, the pgbench ceiling, "
                + "and single-enqueue latency.")
public final class JobsDbBenchCommand implements Callable<Integer> {

    static final Set<String> SYSTEMS = Set.of("bulwark", "db-scheduler", "jobrunr", "pgbench", "latency");

    @Option(names = "--jobs", defaultValue = "100000", description = "No-op jobs per measured run (default ${DEFAULT-VALUE}).")
    int jobs;

    @Option(names = "--nodes", defaultValue = "1,3", description = "Node counts, comma-separated (default ${DEFAULT-VALUE}).")
    String nodes;

    @Option(names = "--systems", defaultValue = "bulwark,db-scheduler,jobrunr,pgbench,latency", split = ",",
            description = "What to run, of ${DEFAULT-VALUE}.")
    List<String> systems;

    @Option(names = "--url", defaultValue = "jdbc:postgresql://127.0.0.1:5432/test", description = "The database (default ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--user", defaultValue = "postgres", description = "A user that may create schemas (default ${DEFAULT-VALUE}).")
    String user;

    @Option(names = "--enqueue-batch", defaultValue = "1000", description = "Jobs per enqueue call (default ${DEFAULT-VALUE}).")
    int enqueueBatch;

    @Option(names = "--claim-batch", defaultValue = "200", description = "Bulwark: jobs per claim (default ${DEFAULT-VALUE}).")
    int claimBatch;

    @Option(names = "--concurrency", defaultValue = "400", description = "Bulwark: jobs running at once per node (default ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--pool", defaultValue = "4", description = "Bulwark: connections per node (default ${DEFAULT-VALUE}).")
    int pool;

    @Option(names = "--poll", defaultValue = "100", description = "Bulwark: poll interval in ms (default ${DEFAULT-VALUE}).")
    int pollMillis;

    @Option(names = "--loop-threads", defaultValue = "2", description = "Bulwark: threads of each node's WorkerLoop scheduler (default ${DEFAULT-VALUE}).")
    int loopThreads;

    @Option(names = "--claims-in-flight", defaultValue = "0", description = "Bulwark: store calls of the queue each node keeps in flight; 0 (default) takes the store's choice, two on PostgreSQL.")
    int claimsInFlight;

    @Option(names = "--dbs-threads", defaultValue = "20", description = "db-scheduler: threads per node (default ${DEFAULT-VALUE}).")
    int dbsThreads;

    @Option(names = "--jobrunr-workers", defaultValue = "32", description = "JobRunr: workers per node (default ${DEFAULT-VALUE}).")
    int jobrunrWorkers;

    @Option(names = "--pgbench-clients", defaultValue = "8", description = "pgbench: clients (default ${DEFAULT-VALUE}).")
    int pgbenchClients;

    @Option(names = "--pgbench-seconds", defaultValue = "10", description = "pgbench: seconds (default ${DEFAULT-VALUE}).")
    int pgbenchSeconds;

    @Option(names = "--latency-calls", defaultValue = "5000", description = "Single enqueues measured of each kind (default ${DEFAULT-VALUE}).")
    int latencyCalls;

    @Option(names = "--warmup-jobs", defaultValue = "5000",
            description = "Jobs of an unmeasured run of each system first, so that none pays for the JIT (default ${DEFAULT-VALUE}).")
    int warmupJobs;

    @Option(names = "--json", description = "Also write the figures as JSON to this file.")
    Path json;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        io.bulwark.server.logging.LogSetup.configure("text", "WARN");
        // JobRunr warns whenever its job filter takes over 10 ms, which on a loaded machine is every
        // few batches; the figures say as much, the console need not.
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("org.jobrunr")).setLevel(ch.qos.logback.classic.Level.ERROR);
        PrintWriter out = spec.commandLine().getOut();
        List<Integer> nodeCounts = JobsDbReport.parseNodes(nodes);
        for (String s : systems) {
            if (!SYSTEMS.contains(s)) {
                throw new IllegalArgumentException("--systems takes " + String.join(", ", SYSTEMS.stream().sorted().toList())
                        + " but had '" + s + "'");
            }
        }
        BenchDatabase db = new BenchDatabase(url, user);
        String machine = Machine.current().describe();
        out.printf("jobs-db: %d no-op jobs per run, nodes %s, on %s, %s%n", jobs, nodeCounts, url, Instant.now());
        out.printf("machine: %s%n", machine);
        out.printf("PostgreSQL: %s%n%n", db.serverSettings());
        out.flush();

        BulwarkRun bulwark = new BulwarkRun(claimBatch, concurrency, pool, Duration.ofMillis(pollMillis), loopThreads, claimsInFlight);
        DbSchedulerRun dbScheduler = new DbSchedulerRun(dbsThreads, 4.0, 20.0, Duration.ofMillis(100));
        JobRunrRun jobRunr = new JobRunrRun(jobrunrWorkers, jobrunrWorkers + 2, Duration.ofSeconds(5));
        JobsDbReport report = new JobsDbReport();

        if (warmupJobs > 0) {
            out.printf("warm-up: %d jobs through each system on one node, unmeasured%n", warmupJobs);
            out.flush();
            for (String system : List.of("bulwark", "db-scheduler", "jobrunr")) {
                if (systems.contains(system)) {
                    try (BenchDatabase.Schema s = db.createSchema("warmup")) {
                        switch (system) {
                            case "bulwark" -> bulwark.run(s, user, warmupJobs, 1, enqueueBatch);
                            case "db-scheduler" -> dbScheduler.run(s, user, warmupJobs, 1, enqueueBatch);
                            default -> jobRunr.run(s, user, warmupJobs, 1);
                        }
                    }
                }
            }
        }
        for (int n : nodeCounts) {
            if (systems.contains("bulwark")) {
                measure(out, report, db, "bulwark", n, s -> bulwark.run(s, user, jobs, n, enqueueBatch));
                out.print("  store calls of the workers (all nodes; time is summed over concurrent calls):\n" + BulwarkRun.lastCalls);
            }
            if (systems.contains("db-scheduler")) {
                measure(out, report, db, "db-scheduler", n, s -> dbScheduler.run(s, user, jobs, n, enqueueBatch));
            }
            if (systems.contains("jobrunr")) {
                JobRunrRun fitting = jobRunr.fitting(n, db.connectionBudget(), out);
                measure(out, report, db, "jobrunr", n, s -> fitting.run(s, user, jobs, n));
            }
        }
        if (systems.contains("pgbench")) {
            Optional<Path> pgbench = PgbenchCeiling.find();
            if (pgbench.isEmpty()) {
                report.ceilingSkipped("pgbench is not on the PATH nor in /usr/lib/postgresql/*/bin");
                out.println("pgbench: skipped, not found on the PATH nor in /usr/lib/postgresql/*/bin");
            } else {
                for (PgbenchCeiling.Script script : List.of(PgbenchCeiling.PER_JOB_SCRIPT, PgbenchCeiling.BATCHED_SCRIPT)) {
                    String name = script.jobsPerRun() == 1 ? "per-job" : "batched";
                    try (BenchDatabase.Schema s = db.createSchema("pgbench" + name)) {
                        // Bulwark's own migrations make the table, so the rows and indexes are exactly a job's.
                        io.bulwark.jdbc.database.DatabaseJobStore.open(bulwark.options(s.url(), user)).close();
                        out.printf("pgbench %s (%s): load %.2f before ... ", name, pgbench.get(), BenchDatabase.loadAverage());
                        out.flush();
                        double jobsPerSecond = PgbenchCeiling.run(pgbench.get(), script, s, user, pgbenchClients, pgbenchSeconds);
                        report.ceiling(new JobsDbReport.Ceiling(name, jobsPerSecond, script.name(), pgbenchClients, pgbenchSeconds));
                        out.printf(Locale.ROOT, "%.0f jobs/s; load %.2f after%n", jobsPerSecond, BenchDatabase.loadAverage());
                    }
                }
            }
        }
        if (systems.contains("latency")) {
            try (BenchDatabase.Schema s = db.createSchema("latency")) {
                out.printf("single enqueue latency: load %.2f before%n", BenchDatabase.loadAverage());
                report.latency(bulwark.latency(s, db, 500, latencyCalls));
                out.printf("single enqueue latency: load %.2f after%n", BenchDatabase.loadAverage());
            }
        }
        out.println();
        report.throughput().stream().map(ThroughputResult::system).distinct().forEach(system ->
                out.printf("settings of %s: %s%n", system,
                        report.throughput().stream().filter(r -> r.system().equals(system)).findFirst().orElseThrow().settings()));
        out.println();
        out.print(report.table());
        out.flush();
        if (json != null) {
            if (json.getParent() != null) {
                Files.createDirectories(json.getParent());
            }
            Files.writeString(json, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(report.json(machine)));
            out.println("written to " + json);
        }
        return 0;
    }

    @FunctionalInterface
    private interface Measured {
        ThroughputResult run(BenchDatabase.Schema schema) throws Exception;
    }

    private static void measure(PrintWriter out, JobsDbReport report, BenchDatabase db, String system, int n, Measured m)
            throws Exception {
        out.printf("%s, %d node(s): load %.2f before ... ", system, n, BenchDatabase.loadAverage());
        out.flush();
        try (BenchDatabase.Schema s = db.createSchema(system + n)) {
            ThroughputResult r = m.run(s);
            report.add(r);
            out.printf(Locale.ROOT, "enqueue %.0f jobs/s, run %.0f jobs/s (%.2f s; CPU per job: JVM %.0f µs, PostgreSQL %.0f µs); "
                    + "load %.2f after%n", r.enqueuePerSecond(), r.runPerSecond(), r.runSeconds(), r.jvmMicrosPerJob(),
                    r.dbMicrosPerJob(), r.loadAfter());
            out.flush();
        }
    }
}
