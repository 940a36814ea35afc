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
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * db-scheduler, configured for throughput as its README and {@code docs/performance.md} advise:
 * the {@code lock-and-fetch} polling strategy ({@code SELECT ... FOR UPDATE SKIP LOCKED}, one
 * statement less per execution than {@code fetch}), a fetch of {@code upper × threads} executions
 * refilled when {@code lower × threads} are left, a short polling interval, and one-time tasks with
 * a no-op handler (a finished one-time execution is deleted). Its table is the PostgreSQL DDL of
 * its repository ({@code postgresql_tables.sql}).
 */
record DbSchedulerRun(int threads, double lowerLimit, double upperLimit, Duration pollingInterval) {

    static final String SYSTEM = "db-scheduler";
    static final String REMAINING = "SELECT count(*) FROM scheduled_tasks";

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

    String settings() {
        return "threads " + threads + "/node, pollUsingLockAndFetch(" + lowerLimit + ", " + upperLimit + "), pollingInterval "
                + pollingInterval.toMillis() + " ms, pool " + poolSize() + "/node, one-time tasks";
    }

    private int poolSize() {
        return threads + 2;
    }

    ThroughputResult run(BenchDatabase.Schema schema, String user, int jobs, int nodes, int enqueueBatch) throws Exception {
        double loadBefore = BenchDatabase.loadAverage();
        try (Connection c = schema.db().connect(schema.url()); Statement st = c.createStatement()) {
            st.execute(DDL);
            c.commit();
        }
        OneTimeTask<Void> noop = Tasks.oneTime("noop").execute((instance, context) -> { });
        List<HikariDataSource> pools = new ArrayList<>();
        List<Scheduler> schedulers = new ArrayList<>();
        try {
            HikariDataSource clientPool = pool(schema.url(), user, "db-scheduler-client", 2);
            pools.add(clientPool);
            SchedulerClient client = SchedulerClient.Builder.create(clientPool, noop).build();
            Instant now = Instant.now();
            long t0 = System.nanoTime();
            for (int done = 0; done < jobs; done += enqueueBatch) {
                List<TaskInstance<?>> batch = new ArrayList<>(enqueueBatch);
                for (int i = done; i < Math.min(jobs, done + enqueueBatch); i++) {
                    batch.add(noop.instance(Integer.toString(i)));
                }
                client.scheduleBatch(batch, now);
            }
            double enqueueSeconds = (System.nanoTime() - t0) / 1e9;

            for (int i = 0; i < nodes; i++) {
                HikariDataSource ds = pool(schema.url(), user, "db-scheduler-" + i, poolSize());
                pools.add(ds);
                schedulers.add(Scheduler.create(ds, noop)
                        .schedulerName(new SchedulerName.Fixed("node-" + (i + 1)))
                        .threads(threads)
                        .pollUsingLockAndFetch(lowerLimit, upperLimit)
                        .pollingInterval(pollingInterval)
                        .shutdownMaxWait(Duration.ofSeconds(5))
                        .build());
            }
            CpuUse cpu0 = CpuUse.now();
            long t1 = System.nanoTime();
            schedulers.forEach(Scheduler::start);
            double runSeconds = schema.awaitZero(REMAINING, t1, 600);
            CpuUse cpu = CpuUse.now().minus(cpu0);
            return new ThroughputResult(SYSTEM, nodes, jobs, enqueueSeconds, runSeconds, settings(), loadBefore,
                    BenchDatabase.loadAverage(), cpu);
        } finally {
            schedulers.forEach(Scheduler::stop);
            pools.forEach(HikariDataSource::close);
        }
    }

    static HikariDataSource pool(String url, String user, String name, int size) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName(name);
        hc.setJdbcUrl(url);
        hc.setUsername(user);
        hc.setMaximumPoolSize(size);
        hc.setMinimumIdle(Math.min(2, size));
        return new HikariDataSource(hc);
    }
}
