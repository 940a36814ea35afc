package io.bulwark.bench.fleet;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.zaxxer.hikari.HikariDataSource;
import io.bulwark.bench.jobsdb.DbSchedulerRun;
import io.bulwark.bench.jobsdb.JobRunrRun;
import org.jobrunr.server.BackgroundJobServer;
import org.jobrunr.storage.sql.postgres.PostgresStorageProvider;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * One peer instance in a process of its own, for {@code bulwark-bench fleet}: a db-scheduler
 * {@link Scheduler} or a JobRunr {@link BackgroundJobServer}, built by {@link DbSchedulerRun} and
 * {@link JobRunrRun} exactly as the in-process {@code jobs-db} benchmark builds them, on the schema
 * in the URL. It stops (and exits 0) when no job is left to run, on SIGTERM, or when the harness
 * that started it is gone, so that no node outlives a run.
 *
 * <pre>{@code
 * java -cp bulwark-bench.jar io.bulwark.bench.fleet.PeerNode db-scheduler URL USER NAME THREADS LOWER UPPER POLL_MS
 * java -cp bulwark-bench.jar io.bulwark.bench.fleet.PeerNode jobrunr URL USER NAME WORKERS POOL POLL_MS
 * }</pre>
 */
public final class PeerNode {

    private PeerNode() {
    }

    /** The arguments that start a db-scheduler node named {@code name} with {@code run}'s settings. */
    static List<String> args(DbSchedulerRun run, String url, String user, String name) {
        return List.of(DbSchedulerRun.SYSTEM, url, user, name, Integer.toString(run.threads()), Double.toString(run.lowerLimit()),
                Double.toString(run.upperLimit()), Long.toString(run.pollingInterval().toMillis()));
    }

    /** The arguments that start a JobRunr node named {@code name} with {@code run}'s settings. */
    static List<String> args(JobRunrRun run, String url, String user, String name) {
        return List.of(JobRunrRun.SYSTEM, url, user, name, Integer.toString(run.workers()), Integer.toString(run.poolSize()),
                Long.toString(run.pollInterval().toMillis()));
    }

    /** The db-scheduler settings in {@code args} (as {@link #args(DbSchedulerRun, String, String, String)} wrote them). */
    static DbSchedulerRun dbScheduler(List<String> args) {
        expect(args, 8);
        return new DbSchedulerRun(Integer.parseInt(args.get(4)), Double.parseDouble(args.get(5)), Double.parseDouble(args.get(6)),
                Duration.ofMillis(Long.parseLong(args.get(7))));
    }

    /** The JobRunr settings in {@code args} (as {@link #args(JobRunrRun, String, String, String)} wrote them). */
    static JobRunrRun jobRunr(List<String> args) {
        expect(args, 7);
        return new JobRunrRun(Integer.parseInt(args.get(4)), Integer.parseInt(args.get(5)),
                Duration.ofMillis(Long.parseLong(args.get(6))));
    }

    public static void main(String[] argv) throws Exception {
        io.bulwark.server.logging.LogSetup.configure("text", "WARN");
        // JobRunr warns whenever its job filter takes over 10 ms, which on a loaded machine is every few batches.
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("org.jobrunr")).setLevel(ch.qos.logback.classic.Level.ERROR);
        List<String> args = List.of(argv);
        String system = args.isEmpty() ? "" : args.get(0);
        String url = args.size() > 1 ? args.get(1) : "";
        String user = args.size() > 2 ? args.get(2) : "";
        String name = args.size() > 3 ? args.get(3) : "";
        String remaining;
        Runnable stop;
        switch (system) {
            case DbSchedulerRun.SYSTEM -> {
                DbSchedulerRun run = dbScheduler(args);
                HikariDataSource ds = run.nodePool(url, user, name);
                Scheduler scheduler = run.scheduler(ds, name);
                scheduler.start();
                remaining = DbSchedulerRun.REMAINING;
                stop = () -> {
                    scheduler.stop();
                    ds.close();
                };
            }
            case JobRunrRun.SYSTEM -> {
                JobRunrRun run = jobRunr(args);
                HikariDataSource ds = run.nodePool(url, user, name);
                PostgresStorageProvider storage = JobRunrRun.storage(ds, false);
                BackgroundJobServer server = run.server(storage, name);
                server.start();
                remaining = JobRunrRun.REMAINING;
                stop = () -> {
                    server.stop();
                    storage.close();
                    ds.close();
                };
            }
            default -> {
                System.err.println("PeerNode: the first argument must be " + DbSchedulerRun.SYSTEM + " or " + JobRunrRun.SYSTEM
                        + " but was '" + system + "'");
                System.exit(2);
                return;
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "peer-node-stop"));
        System.exit(watch(url, user, remaining));
    }

    /**
     * Every second: 0 once no job is left, 3 once the harness is gone; meanwhile the node works. A
     * count a second per node is noise beside the thousands of statements a second the node runs.
     */
    private static int watch(String url, String user, String remainingSql) throws Exception {
        ProcessHandle harness = ProcessHandle.current().parent().orElse(null);
        try (Connection c = DriverManager.getConnection(url, user, null); Statement st = c.createStatement()) {
            while (true) {
                Thread.sleep(1000);
                if (harness != null && !harness.isAlive()) {
                    System.err.println("PeerNode: the harness that started this node is gone; stopping");
                    return 3;
                }
                try (ResultSet rs = st.executeQuery(remainingSql)) {
                    if (rs.next() && rs.getLong(1) == 0) {
                        return 0;
                    }
                }
            }
        }
    }

    private static void expect(List<String> args, int count) {
        if (args.size() != count) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "PeerNode %s takes %d arguments but had %d: %s",
                    args.isEmpty() ? "" : args.get(0), count, args.size(), args));
        }
    }
}
