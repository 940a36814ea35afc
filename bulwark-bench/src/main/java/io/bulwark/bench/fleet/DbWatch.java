package io.bulwark.bench.fleet;

import io.bulwark.bench.CpuTicks;
import io.bulwark.bench.jobsdb.BenchDatabase;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Watches PostgreSQL during one measured run: commits and CPU as deltas from {@link #start} to
 * {@link #stop}, and {@code pg_stat_activity} every 100 ms on a thread of its own. The sessions
 * sampled are the run's only: every node connects with the run's {@code ApplicationName} (a URL
 * parameter, which pgjdbc lets win over the pools' own), so other work on the same server does not
 * count there. Commits and CPU cannot be told apart that way and count everything on the server
 * ({@link PostgresCpu}).
 */
final class DbWatch {

    private static final String ACTIVITY = "SELECT state, wait_event_type, wait_event FROM pg_stat_activity "
            + "WHERE datname = current_database() AND application_name = ? AND pid <> pg_backend_pid()";
    private static final String COMMITS = "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()";

    private final BenchDatabase db;
    private final String applicationName;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Map<String, Long> waits = new HashMap<>();
    private final Thread sampler;
    private long startNanos;
    private long commits0;
    private final PostgresCpu pgCpu;
    private long pgTicks0;
    private Optional<CpuTicks> machine0;
    private int samples;
    private int lockSamples;
    private long active;
    private Optional<DbActivity> atDone = Optional.empty();
    private volatile SQLException failure;

    private DbWatch(BenchDatabase db, String applicationName, PostgresCpu pgCpu) {
        this.db = db;
        this.pgCpu = pgCpu;
        this.applicationName = applicationName;
        this.sampler = Thread.ofPlatform().daemon().name("fleet-db-watch").unstarted(this::sample);
    }

    /** Reads the counters and starts sampling the sessions named {@code applicationName}. */
    static DbWatch start(BenchDatabase db, String applicationName, PostgresCpu pgCpu) throws SQLException {
        DbWatch w = new DbWatch(db, applicationName, pgCpu);
        w.commits0 = db.scalar(db.baseUrl(), COMMITS);
        w.pgTicks0 = pgCpu.ticks();
        w.machine0 = CpuTicks.machine();
        w.startNanos = System.nanoTime();
        w.sampler.start();
        return w;
    }

    /**
     * Stops sampling and takes PostgreSQL's CPU and the machine's as of now (the last job done).
     * Commits are read later, in {@link #finish}: a backend reports its counts at most once a second,
     * and at the latest when it exits, so they are only complete once the nodes have stopped.
     */
    void done() throws InterruptedException, SQLException {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        double pgSeconds = (pgCpu.ticks() - pgTicks0) / 100.0;
        Optional<CpuTicks> machine = CpuTicks.machine();
        running.set(false);
        sampler.join();
        if (failure != null) {
            throw failure;
        }
        double busyCores = 0;
        int cores = Runtime.getRuntime().availableProcessors();
        if (machine0.isPresent() && machine.isPresent() && machine.get().total() > machine0.get().total()) {
            cores = machine.get().cpus();
            busyCores = (double) (machine.get().busy() - machine0.get().busy())
                    / (machine.get().total() - machine0.get().total()) * cores;
        }
        synchronized (waits) {
            atDone = Optional.of(new DbActivity(seconds, 0, pgSeconds, busyCores, cores, samples, lockSamples, active, waits));
        }
    }

    /** The figures, with the commits counted up to now (call after the nodes have stopped). */
    DbActivity finish() throws SQLException {
        DbActivity a = atDone.orElseThrow(() -> new IllegalStateException("finish() before done()"));
        long commits = db.scalar(db.baseUrl(), COMMITS) - commits0;
        return new DbActivity(a.seconds(), commits, a.pgCpuSeconds(), a.busyCores(), a.cores(), a.samples(), a.lockSamples(),
                a.activeBackends(), a.waits());
    }

    private void sample() {
        try (Connection c = DriverManager.getConnection(db.baseUrl(), db.user(), null);
             PreparedStatement ps = c.prepareStatement(ACTIVITY)) {
            try (Statement st = c.createStatement()) {
                // pg_stat_activity is read afresh by every statement only outside a snapshot.
                st.execute("SET stats_fetch_consistency = 'none'");
            } catch (SQLException e) {
                // before PostgreSQL 15 there is no such setting, and auto-commit does the same
            }
            ps.setString(1, applicationName);
            while (running.get()) {
                boolean lock = false;
                int activeNow = 0;
                Map<String, Long> now = new HashMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String type = rs.getString(2);
                        if ("active".equals(rs.getString(1))) {
                            activeNow++;
                            if (type != null) {
                                now.merge(type + ":" + rs.getString(3), 1L, Long::sum);
                                lock |= "Lock".equals(type);
                            }
                        }
                    }
                }
                synchronized (waits) {
                    samples++;
                    lockSamples += lock ? 1 : 0;
                    active += activeNow;
                    now.forEach((k, v) -> waits.merge(k, v, Long::sum));
                }
                Thread.sleep(100);
            }
        } catch (SQLException e) {
            failure = e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
