package io.bulwark.jdbc.sqlite.internal;

import io.bulwark.jdbc.internal.JobRows;
import io.bulwark.jdbc.internal.StoreCounts;
import io.bulwark.jobs.Job;
import io.bulwark.jobs.store.JobQuery;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Queries on a read-only connection. Each method that reads more than one statement runs in one
 * read transaction, so that a job and its history come from the same snapshot.
 */
public final class Reads {

    private Reads() {
    }

    public static Optional<Job> get(Connection c, UUID jobId) throws SQLException {
        byte[] id = JobRows.bytes(jobId);
        // One statement reads the row and its history together, so it needs no transaction of its own.
        try (PreparedStatement ps = c.prepareStatement(HistoryColumn.SELECT_BY_ID)) {
            ps.setBytes(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(HistoryColumn.job(rs));
            }
        }
    }

    /** Newest first; only the filters that are set reach the SQL, so that the planner can use an index. */
    public static List<Job> list(Connection c, JobQuery q) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT ").append(JobRows.COLUMNS).append(" FROM jobs WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (q.queue() != null) {
            sql.append(" AND queue = ?");
            args.add(q.queue());
        }
        if (q.state() != null) {
            sql.append(" AND state = ?");
            args.add(q.state().id());
        }
        if (q.type() != null) {
            sql.append(" AND type = ?");
            args.add(q.type());
        }
        if (q.after() != null) {
            sql.append(" AND id < ?");
            args.add(JobRows.bytes(q.after()));
        }
        if (q.tag() != null) {
            // See JobRows.tagNeedles (instr is case-sensitive).
            sql.append(" AND (instr(tags, ?) > 0 OR instr(tags, ?) > 0)");
            args.addAll(JobRows.tagNeedles(q.tag()));
        }
        if (q.createdFrom() != null) {
            sql.append(" AND id >= ? AND created_at >= ?");
            args.add(JobRows.bytes(q.lowestId()));
            args.add(q.createdFrom().toEpochMilli());
        }
        if (q.createdBefore() != null) {
            sql.append(" AND id < ? AND created_at < ?");
            args.add(JobRows.bytes(q.highestId()));
            args.add(q.createdBefore().toEpochMilli());
        }
        sql.append(" ORDER BY id DESC LIMIT ?");
        args.add(q.limit());
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            List<Job> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(JobRows.job(rs));
                }
            }
            return out;
        }
    }

    /** Per queue: how many jobs are scheduled, available, running and retryable, and the oldest available run time. */
    public static StoreCounts.Counted liveCounts(Connection c, Instant at) throws SQLException {
        return StoreCounts.live(c, StoreCounts.queues(c, QUEUES), at, Reads::liveSql);
    }

    /**
     * The live counts of {@code queues} queues (parameters 1 to n, named in each branch), each state from the index
     * that holds it (schema version 10): available jobs from {@code jobs_claim}, scheduled and
     * retryable ones from {@code jobs_due}, running ones from {@code jobs_lease}.
     */
    public static String liveSql(int queues) {
        String in = IntStream.rangeClosed(1, queues).mapToObj(i -> "?" + i).collect(Collectors.joining(", ", "queue IN (", ")"));
        return "SELECT queue, 'available', count(*), min(run_at) FROM jobs WHERE " + in
                + " AND state = 'available' GROUP BY queue"
                + " UNION ALL SELECT queue, state, count(*), NULL FROM jobs WHERE " + in
                + " AND state IN ('scheduled', 'retryable') GROUP BY queue, state"
                + " UNION ALL SELECT queue, 'running', count(*), NULL FROM jobs INDEXED BY jobs_lease WHERE state = 'running' AND "
                + in + " GROUP BY queue";
    }

    /**
     * Per queue: how many jobs are completed, dead, cancelled and expired, in one pass over the
     * index of final jobs ({@code jobs_finished}, by queue and state; every final job has a finish time).
     */
    public static StoreCounts.Counted finalCounts(Connection c, Instant at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(FINAL_COUNTS)) {
            return StoreCounts.read(ps, at);
        }
    }

    public static final String FINAL_COUNTS = "SELECT queue, state, count(*), NULL FROM jobs INDEXED BY jobs_finished "
            + "WHERE finished_at IS NOT NULL AND state IN " + StoreCounts.FINAL + " GROUP BY queue, state";

    /**
     * Every queue name, one look-up in the (queue, id) index per queue: SQLite's DISTINCT would
     * read the whole index.
     */
    public static final String QUEUES = "WITH RECURSIVE q(name) AS (SELECT min(queue) FROM jobs"
            + " UNION ALL SELECT (SELECT min(queue) FROM jobs WHERE queue > q.name) FROM q WHERE q.name IS NOT NULL)"
            + " SELECT name FROM q WHERE name IS NOT NULL";

    public static Optional<String> queueSettings(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT settings FROM queues WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    public static Map<String, String> allQueueSettings(Connection c) throws SQLException {
        Map<String, String> out = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT name, settings FROM queues");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
        }
        return out;
    }
}
