package io.bulwark.bench.fleet;

import io.bulwark.bench.jobsdb.BenchDatabase;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Measures one system with N node processes: in a schema of its own, enqueue every job, start the
 * nodes, count the jobs not done every 50 ms until none is left (the first count below the total
 * marks the start-up), then SIGTERM the nodes. PostgreSQL is watched from the start of the nodes to
 * the last job ({@link DbWatch}).
 *
 * @param db the database
 * @param pgCpu its server's CPU
 * @param launcher starts the nodes
 * @param jobs jobs per run
 * @param batch jobs per enqueue call
 * @param timeout how long a run may take before it is abandoned
 */
record ThroughputRun(BenchDatabase db, PostgresCpu pgCpu, NodeLauncher launcher, int jobs, int batch, Duration timeout) {

    private static final Duration STOP_BOUND = Duration.ofSeconds(30);

    FleetThroughput run(FleetSystem system, int nodes) throws Exception {
        double loadBefore = BenchDatabase.loadAverage();
        try (BenchDatabase.Schema schema = db.createSchema("fleet" + system.name() + nodes)) {
            double enqueueSeconds = system.seed(schema, launcher.user(), jobs, batch);
            String application = "fleet-" + schema.name();
            String url = schema.url() + "&ApplicationName=" + application;
            List<ChildNode> children = new ArrayList<>();
            try (Connection c = db.connect(schema.url()); Statement st = c.createStatement()) {
                c.setAutoCommit(true);
                DbWatch watch = DbWatch.start(db, application, pgCpu);
                long t0 = System.nanoTime();
                for (int i = 1; i <= nodes; i++) {
                    children.add(system.start(launcher, url, system.name() + "-n" + nodes + "-" + i));
                }
                double first = -1;
                long remainingAtFirst = jobs;
                double done;
                while (true) {
                    long remaining = count(st, system.remainingSql());
                    long now = System.nanoTime();
                    children.forEach(ChildNode::sampleCpu);
                    if (first < 0 && remaining < jobs) {
                        first = (now - t0) / 1e9;
                        remainingAtFirst = remaining;
                    }
                    if (remaining == 0) {
                        done = (now - t0) / 1e9;
                        break;
                    }
                    check(system, children, remaining, now - t0);
                    if (children.stream().noneMatch(ChildNode::isAlive) && (remaining = count(st, system.remainingSql())) > 0) {
                        // A peer leaves by itself once it sees nothing left: only a count after they all left tells.
                        throw new IllegalStateException(system.name() + ": every node exited with " + remaining + " of " + jobs
                                + " jobs not done; last node: " + children.getLast().describeFailure());
                    }
                    Thread.sleep(50);
                }
                watch.done();
                double nodeCpu = children.stream().mapToDouble(ChildNode::cpuSeconds).sum();
                children.forEach(ChildNode::terminate);
                List<Integer> exits = new ArrayList<>();
                for (ChildNode child : children) {
                    exits.add(child.awaitStopped(STOP_BOUND));
                }
                DbActivity activity = watch.finish();
                system.verify(schema, jobs);
                return new FleetThroughput(system.name(), nodes, jobs, enqueueSeconds, done, first, remainingAtFirst,
                        system.settings(), nodeCpu, exits, loadBefore, BenchDatabase.loadAverage(), activity);
            } finally {
                children.forEach(ChildNode::close);
            }
        }
    }

    /** Fails the run when a node died or on the timeout. */
    private void check(FleetSystem system, List<ChildNode> children, long remaining, long elapsedNanos) {
        for (ChildNode child : children) {
            if (!child.isAlive() && child.exitCode() != 0) {
                throw new IllegalStateException(system.name() + ": node " + child.describeFailure());
            }
        }
        if (elapsedNanos > timeout.toNanos()) {
            throw new IllegalStateException(system.name() + ": " + remaining + " of " + jobs + " jobs not done after "
                    + timeout.toSeconds() + " s with " + children.size() + " node(s); first node: "
                    + children.getFirst().describeFailure());
        }
    }

    static long count(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
