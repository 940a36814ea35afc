package io.bulwark.bench.fleet;

import io.bulwark.bench.jobsdb.BenchDatabase;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One failover run, in a schema of its own: start two workers, wait until both have joined and a
 * leader has been in office for {@code deadAfter + 1} heartbeats, enqueue the sleep jobs, wait until both run some, kill one with SIGKILL, then
 * wait until every job it was running has run again on the other. The times come from
 * {@code bulwark_job_history} (database clock) against the kill instant read from the same clock.
 *
 * <p>Each worker may run half the jobs at once ({@code concurrency}), so the survivor has room for
 * the rescued jobs when they come back: a rescued job goes to the back of its queue, and with a
 * backlog the figure would be the backlog's, not the failover's.
 *
 * @param db the database
 * @param launcher starts the workers
 * @param jobs sleep jobs enqueued
 * @param sleepMs how long each sleeps
 * @param concurrency {@code jobs.concurrency} of each worker
 * @param heartbeat {@code cluster.heartbeat}
 * @param deadAfter {@code cluster.deadAfter}
 */
record FailoverRun(BenchDatabase db, NodeLauncher launcher, int jobs, long sleepMs, int concurrency, Duration heartbeat,
                   int deadAfter) {

    static final String LEADER = "leader";
    static final String FOLLOWER = "follower";

    private static final String CLOCK = "SELECT CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)";
    private static final String SETTLED_LEADER = "SELECT 1 FROM bulwark_leader "
            + "WHERE CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT) - elected_at >= ?";
    private static final String UNSETTLED = "SELECT count(*) FROM bulwark_jobs WHERE node = ? AND state IN ('running', 'available')";
    /**
     * Per job the killed node claimed and did not finish: the transition that ended its attempt (a
     * rescue, recorded by the rescuer) and the first claim by another node after it.
     */
    private static final String LOST = """
            WITH claim AS (
              SELECT DISTINCT ON (job_id) job_id, id FROM bulwark_job_history
              WHERE to_state = 'running' AND node = ? ORDER BY job_id, id DESC),
            nxt AS (
              SELECT c.job_id, c.id AS claim_id,
                     (SELECT h.id FROM bulwark_job_history h WHERE h.job_id = c.job_id AND h.id > c.id ORDER BY h.id LIMIT 1) AS next_id
              FROM claim c)
            SELECT r.at, r.reason,
                   (SELECT min(x.at) FROM bulwark_job_history x WHERE x.job_id = n.job_id AND x.id > n.claim_id
                      AND x.to_state = 'running' AND x.node <> ?) AS again
            FROM nxt n JOIN bulwark_job_history r ON r.id = n.next_id
            WHERE r.node IS DISTINCT FROM ?""";

    private static final Duration STOP_BOUND = Duration.ofSeconds(30);
    private static final Duration START_BOUND = Duration.ofSeconds(120);

    FailoverResult run(int index, String victimRole) throws Exception {
        try (BenchDatabase.Schema schema = db.createSchema("failover" + index);
             BulwarkJobs store = BulwarkJobs.open(schema.url(), launcher.user());
             Connection c = db.connect(schema.url()); Statement st = c.createStatement()) {
            c.setAutoCommit(true);
            String url = schema.url() + "&ApplicationName=fleet-" + schema.name();
            List<String> flags = List.of("--jobs.concurrency=" + concurrency, "--cluster.heartbeat=" + heartbeat.toMillis() + "ms",
                    "--cluster.deadAfter=" + deadAfter);
            String prefix = "failover" + index + "-w";
            try (ChildNode w1 = launcher.worker(url, prefix + "1", flags); ChildNode w2 = launcher.worker(url, prefix + "2", flags)) {
                List<ChildNode> workers = List.of(w1, w2);
                Map<String, String> ids = awaitJoined(st, workers);
                store.enqueue(jobs, 1000, BulwarkJobs.SLEEP, "{\"ms\":" + sleepMs + "}");
                awaitBothRunning(st, workers, ids);
                String leader = text(st, "SELECT holder FROM bulwark_leader");
                ChildNode victim = workers.stream().filter(w -> ids.get(w.name()).equals(leader) == LEADER.equals(victimRole))
                        .findFirst().orElseThrow();
                ChildNode survivor = victim == w1 ? w2 : w1;
                String victimId = ids.get(victim.name());

                long killWall = System.currentTimeMillis();
                victim.kill();
                long killDb = ThroughputRun.count(st, CLOCK);
                if (!victim.awaitExit(Duration.ofSeconds(10))) {
                    throw new IllegalStateException("failover: " + victim.name() + " still runs 10 s after SIGKILL");
                }
                long lastBeat = lastHeartbeat(c, victimId);
                awaitSettled(c, victimId, survivor);
                FailoverResult r = measure(c, index, victimRole, victimId, killWall, killDb, killDb - lastBeat);
                survivor.terminate();
                survivor.awaitStopped(STOP_BOUND);
                return r;
            }
        }
    }

    /**
     * Both workers' node ids by name, once both have joined and one has led for {@code deadAfter + 1}
     * periods. A new leader judges absences only from its election, so a kill soon after it would
     * be declared late by the leader's grace, not by the heartbeats: the kill must meet a settled fleet.
     */
    private Map<String, String> awaitJoined(Statement st, List<ChildNode> workers) throws Exception {
        long deadline = System.nanoTime() + START_BOUND.toNanos();
        while (true) {
            Map<String, String> ids = new HashMap<>();
            try (ResultSet rs = st.executeQuery("SELECT name, id FROM bulwark_nodes WHERE dead_at IS NULL")) {
                while (rs.next()) {
                    ids.put(rs.getString(1), rs.getString(2));
                }
            }
            if (ids.keySet().containsAll(workers.stream().map(ChildNode::name).toList()) && settledLeader(st.getConnection())) {
                return ids;
            }
            alive(workers, "joining", deadline);
            Thread.sleep(50);
        }
    }

    private boolean settledLeader(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SETTLED_LEADER)) {
            ps.setLong(1, heartbeat.multipliedBy(deadAfter + 1L).toMillis());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private void awaitBothRunning(Statement st, List<ChildNode> workers, Map<String, String> ids) throws Exception {
        long deadline = System.nanoTime() + START_BOUND.toNanos();
        Set<String> want = new HashSet<>();
        workers.forEach(w -> want.add(ids.get(w.name())));
        while (true) {
            Set<String> running = new HashSet<>();
            try (ResultSet rs = st.executeQuery("SELECT DISTINCT node FROM bulwark_jobs WHERE state = 'running'")) {
                while (rs.next()) {
                    running.add(rs.getString(1));
                }
            }
            if (running.containsAll(want)) {
                return;
            }
            alive(workers, "starting jobs", deadline);
            Thread.sleep(10);
        }
    }

    /** Waits until no job is left running or waiting under the killed node's id: each ran again elsewhere. */
    private void awaitSettled(Connection c, String victimId, ChildNode survivor) throws Exception {
        Duration bound = heartbeat.multipliedBy(deadAfter + 3L).multipliedBy(2).plusSeconds(60);
        long deadline = System.nanoTime() + bound.toNanos();
        try (PreparedStatement ps = c.prepareStatement(UNSETTLED)) {
            ps.setString(1, victimId);
            while (true) {
                long left;
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    left = rs.getLong(1);
                }
                if (left == 0) {
                    return;
                }
                alive(List.of(survivor), left + " jobs of killed node " + victimId + " to run again", deadline);
                Thread.sleep(100);
            }
        }
    }

    private FailoverResult measure(Connection c, int index, String role, String victimId, long killWall, long killDb,
                                   long heartbeatAge) throws SQLException {
        int lost = 0;
        long firstRescue = Long.MAX_VALUE;
        long lastRescue = Long.MIN_VALUE;
        long lastAgain = Long.MIN_VALUE;
        String cause = "";
        try (PreparedStatement ps = c.prepareStatement(LOST)) {
            ps.setString(1, victimId);
            ps.setString(2, victimId);
            ps.setString(3, victimId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    lost++;
                    long at = rs.getLong(1);
                    if (at < firstRescue) {
                        firstRescue = at;
                        cause = rs.getString(2).contains("died") ? "node declared dead" : rs.getString(2);
                    }
                    lastRescue = Math.max(lastRescue, at);
                    long again = rs.getLong(3);
                    if (rs.wasNull()) {
                        throw new IllegalStateException("failover: a job of " + victimId + " was rescued but never ran again");
                    }
                    lastAgain = Math.max(lastAgain, again);
                }
            }
        }
        if (lost == 0) {
            throw new IllegalStateException("failover: killed node " + victimId + " had no job running at the kill");
        }
        long newLeader = -1;
        if (LEADER.equals(role)) {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT min(elected_at) FROM bulwark_leader_terms WHERE holder <> ? AND elected_at >= ?")) {
                ps.setString(1, victimId);
                ps.setLong(2, killDb - heartbeat.toMillis());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    long at = rs.getLong(1);
                    newLeader = rs.wasNull() ? -1 : at - killDb;
                }
            }
        }
        return new FailoverResult(index, role, victimId, lost, killWall, killDb, heartbeatAge, newLeader, firstRescue - killDb,
                lastRescue - killDb, lastAgain - killDb, cause);
    }

    private static void alive(List<ChildNode> workers, String waitingFor, long deadline) {
        for (ChildNode w : workers) {
            if (!w.isAlive()) {
                throw new IllegalStateException("failover: worker " + w.describeFailure());
            }
        }
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException("failover: timed out waiting for " + waitingFor + "; " + workers.getFirst().describeFailure());
        }
    }

    private static long lastHeartbeat(Connection c, String node) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT last_heartbeat FROM bulwark_nodes WHERE id = ?")) {
            ps.setString(1, node);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static String text(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
