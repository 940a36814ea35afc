package io.bulwark.bench.jobsdb;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * db-scheduler, configured for throughput as its README and {@code docs/performance.md} advise:
 * the {@code lock-and-fetch} polling strategy ({@code SELECT ... FOR UPDATE SKIP LOCKED}, one
 * statement less per execution than {@code fetch}), a fetch of {@code upper × threads} executions
 * refilled when {@code lower × threads} are left, a short polling interval, and one-time tasks with
 * a no-op handler (a finished one-time execution is deleted). Its table is the PostgreSQL DDL of
 * its repository ({@code postgresql_tables.sql}). The pieces ({@link #createTable}, {@link #enqueue},
 * {@link #scheduler}) are public so that the {@code fleet} benchmark starts the same nodes in child
 * processes.
 */
public record DbSchedulerRun(int threads, double lowerLimit, double upperLimit, Duration pollingInterval) {

    public static final String SYSTEM = "db-scheduler";
    public static final String REMAINING = "SELECT count(*) FROM scheduled_tasks";

    /** The one task: does nothing; a finished one-time execution is deleted. */
    public static final OneTimeTask<Void> NOOP = Tasks.oneTime("noop").execute((instance, context) -> HandlerRuns.ran());

    private static final String DDL = """
            create table scheduled_tasks (
              task_name text not null,
              task_instance text not null,
              task_data bytea,
              execution_time timestamp with time zone not null,
              picked BOOLEAN not null,
              picked_by text,
              last_success timestamp with time zone,
              last_failure timestamp with time zone,
              consecutive_failures INT,
              last_heartbeat timestamp with time zone,
              version BIGINT not null,
              priority SMALLINT,
              PRIMARY KEY (task_name, task_instance)
            );
            CREATE INDEX execution_time_idx ON scheduled_tasks (execution_time);
            CREATE INDEX last_heartbeat_idx ON scheduled_tasks (last_heartbeat);
            CREATE INDEX priority_execution_time_idx on scheduled_tasks (priority desc, execution_time asc);
            """;

    /** What this run is configured with, for the report. */
    public String settings() {
        return "threads " + threads + "/node, pollUsingLockAndFetch(" + lowerLimit + ", " + upperLimit + "), pollingInterval "
                + pollingInterval.toMillis() + " ms, pool " + poolSize() + "/node, one-time tasks";
    }

    private int poolSize() {
        return threads + 2;
    }

    ThroughputResult run(BenchDatabase.Schema schema, String user, int jobs, int nodes, int enqueueBatch) throws Exception {
        double loadBefore = BenchDatabase.loadAverage();
        createTable(schema);
        List<HikariDataSource> pools = new ArrayList<>();
        List<Scheduler> schedulers = new ArrayList<>();
        try {
            double enqueueSeconds = enqueue(schema, user, jobs, enqueueBatch);
            for (int i = 0; i < nodes; i++) {
                HikariDataSource ds = nodePool(schema.url(), user, "db-scheduler-" + i);
                pools.add(ds);
                schedulers.add(scheduler(ds, "node-" + (i + 1)));
            }
            HandlerRuns.COUNT.set(0);
            CpuUse cpu0 = CpuUse.now();
            long t1 = System.nanoTime();
            schedulers.forEach(Scheduler::start);
            double runSeconds = schema.awaitZero(REMAINING, jobs, t1, 600);
            CpuUse cpu = CpuUse.now().minus(cpu0);
            return new ThroughputResult(SYSTEM, nodes, jobs, enqueueSeconds, runSeconds, settings(), loadBefore,
                    BenchDatabase.loadAverage(), cpu);
        } finally {
            schedulers.forEach(Scheduler::stop);
            pools.forEach(HikariDataSource::close);
        }
    }

    /** Creates db-scheduler's table in {@code schema}. */
    public static void createTable(BenchDatabase.Schema schema) throws SQLException {
        try (Connection c = schema.db().connect(schema.url()); Statement st = c.createStatement()) {
            st.execute(DDL);
            c.commit();
        }
    }

    /**
     * Schedules {@code jobs} no-op executions, due now, with {@code scheduleBatch} in batches of
     * {@code batch} from a client with a pool of its own; the seconds it took.
     */
    public static double enqueue(BenchDatabase.Schema schema, String user, int jobs, int batch) {
        try (HikariDataSource clientPool = pool(schema.url(), user, "db-scheduler-client", 2)) {
            SchedulerClient client = SchedulerClient.Builder.create(clientPool, NOOP).build();
            Instant now = Instant.now();
            long t0 = System.nanoTime();
            for (int done = 0; done < jobs; done += batch) {
                List<TaskInstance<?>> instances = new ArrayList<>(batch);
                for (int i = done; i < Math.min(jobs, done + batch); i++) {
                    instances.add(NOOP.instance(Integer.toString(i)));
                }
                client.scheduleBatch(instances, now);
            }
            return (System.nanoTime() - t0) / 1e9;
        }
    }

    /** A node's pool: its threads plus two (the poller and heartbeats). */
    public HikariDataSource nodePool(String url, String user, String name) {
        return pool(url, user, name, poolSize());
    }

    /** One node, not yet started, named {@code name}, with this run's settings. */
    public Scheduler scheduler(DataSource ds, String name) {
        return Scheduler.create(ds, NOOP)
                .schedulerName(new SchedulerName.Fixed(name))
                .threads(threads)
                .pollUsingLockAndFetch(lowerLimit, upperLimit)
                .pollingInterval(pollingInterval)
                .shutdownMaxWait(Duration.ofSeconds(5))
                .build();
    }

    /** A Hikari pool of {@code size} connections. */
    public static HikariDataSource pool(String url, String user, String name, int size) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName(name);
        hc.setJdbcUrl(url);
        hc.setUsername(user);
        hc.setMaximumPoolSize(size);
        hc.setMinimumIdle(Math.min(2, size));
        return new HikariDataSource(hc);
    }
}
