package io.bulwark.jdbc.database.internal;

import io.bulwark.jdbc.database.Dialect;
import io.bulwark.jdbc.internal.JobRows;
import io.bulwark.jdbc.internal.StoreCounts;
import io.bulwark.jobs.Job;
import io.bulwark.jobs.JobState;
import io.bulwark.jobs.store.JobQuery;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Reads: a job with its history, listings, counts, queue settings. They run in a read-only
 * transaction, on a replica when one is configured.
 */
public final class Queries {

    private Queries() {
    }

    public static Optional<Job> get(Tx tx, UUID id) throws SQLException {
        return tx.job(id);
    }

    /**
     * Newest first; only the filters that are set reach the SQL, so that the planner can use an
     * index. A queue listed across all states on PostgreSQL is one small ordered scan of the
     * {@code (queue, state, id)} index per state, merged: the table keeps no {@code (queue, id)}
     * index there (V9), whose upkeep every state change of every job paid for.
     */
    public static List<Job> list(Tx tx, JobQuery q) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT ").append(JobRows.COLUMNS).append(" FROM ");
        List<Object> params = new ArrayList<>();
        if (tx.dialect() == Dialect.POSTGRESQL && q.queue() != null && q.state() == null) {
            sql.append('(');
            JobState[] states = JobState.values();
            for (int s = 0; s < states.length; s++) {
                sql.append(s == 0 ? "(" : " UNION ALL (").append("SELECT ").append(JobRows.COLUMNS).append(" FROM ")
                        .append(Tx.JOBS);
                where(sql, params, tx, q, states[s]);
                sql.append(" ORDER BY id DESC LIMIT ?)");
                params.add(q.limit());
            }
            sql.append(") listed");
        } else {
            sql.append(Tx.JOBS);
            where(sql, params, tx, q, q.state());
        }
        sql.append(" ORDER BY id DESC LIMIT ?");
        params.add(q.limit());
        PreparedStatement ps = tx.prepare(sql.toString());
        for (int i = 0; i < params.size(); i++) {
            switch (params.get(i)) {
                case UUID id -> tx.setId(ps, i + 1, id);
                case String text -> ps.setString(i + 1, text);
                case Long number -> ps.setLong(i + 1, number);
                case Integer number -> ps.setInt(i + 1, number);
                default -> throw new IllegalStateException("no binding for " + params.get(i).getClass());
            }
        }
        List<Job> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(tx.job(rs));
            }
        }
        return out;
    }

    /**
     * Appends the {@code WHERE} of a listing to {@code sql} and its values, in order, to
     * {@code params}; {@code state} is a literal (an enum's id).
     */
    private static void where(StringBuilder sql, List<Object> params, Tx tx, JobQuery q, JobState state) {
        sql.append(" WHERE 1 = 1");
        if (q.queue() != null) {
            sql.append(" AND queue = ?");
            params.add(q.queue());
        }
        if (state != null) {
            sql.append(" AND state = '").append(state.id()).append('\'');
        }
        if (q.type() != null) {
            sql.append(" AND type = ?");
            params.add(q.type());
        }
        if (q.after() != null) {
            sql.append(" AND id < ?");
            params.add(q.after());
        }
        if (q.tag() != null) {
            // See JobRows.tagNeedles: the tag's literal opening the array or following a comma (case-sensitive).
            sql.append(tx.dialect() == Dialect.POSTGRESQL ? " AND (strpos(tags, ?) > 0 OR strpos(tags, ?) > 0)"
                    : " AND (INSTR(tags, ?) > 0 OR INSTR(tags, ?) > 0)");
            params.addAll(JobRows.tagNeedles(q.tag()));
        }
        if (q.createdFrom() != null) {
            sql.append(" AND id >= ? AND created_at >= ?");
            params.add(q.lowestId());
            params.add(q.createdFrom().toEpochMilli());
        }
        if (q.createdBefore() != null) {
            sql.append(" AND id < ? AND created_at < ?");
            params.add(q.highestId());
            params.add(q.createdBefore().toEpochMilli());
        }
    }

    /**
     * On PostgreSQL, the live states' counts: each branch reads the partial index that holds only
     * its states. Scans of the whole table are off for the transaction (as claims turn off sorts),
     * so statistics that believe the backlog empty cannot turn this into a read of every job; so
     * are parallel workers, whose start cost 45 ms against the 2 ms of the reads themselves.
     */
    static final String LIVE_PG = "SET LOCAL enable_seqscan = off; SET LOCAL jit = off;"
            + " SET LOCAL max_parallel_workers_per_gather = 0";
    static final String LIVE_COUNTS_PG = "SELECT queue, 'available', count(*), min(run_at) FROM " + Tx.JOBS
            + " WHERE state = 'available' GROUP BY queue"
            + " UNION ALL SELECT queue, state, count(*), NULL FROM " + Tx.JOBS
            + " WHERE state IN ('scheduled', 'retryable') GROUP BY queue, state"
            + " UNION ALL SELECT queue, 'running', count(*), NULL FROM " + Tx.JOBS
            + " WHERE state = 'running' GROUP BY queue";

    /**
     * Per queue: how many jobs are scheduled, available, running and retryable, and the oldest run
     * time among available ones. On MariaDB the queues come from a loose scan of the (queue, id)
     * index, then one range of the (queue, state, run_at) index per queue and state.
     */
    public static StoreCounts.Counted liveCounts(Tx tx, Instant at) throws SQLException {
        Connection c = tx.connection();
        if (tx.dialect() == Dialect.POSTGRESQL) {
            try (Statement s = c.createStatement()) {
                s.execute(LIVE_PG);
            }
            try (PreparedStatement ps = c.prepareStatement(LIVE_COUNTS_PG)) {
                return StoreCounts.read(ps, at);
            }
        }
        return StoreCounts.live(c, Tx.JOBS, StoreCounts.queues(c, "SELECT DISTINCT queue FROM " + Tx.JOBS), at);
    }

    /** Per queue: how many jobs are completed, dead, cancelled and expired. */
    public static StoreCounts.Counted finalCounts(Tx tx, Instant at) throws SQLException {
        return StoreCounts.finals(tx.connection(), Tx.JOBS, at);
    }

    public static Optional<String> queueSettings(Tx tx, String name) throws SQLException {
        PreparedStatement ps = tx.prepare("SELECT settings FROM bulwark_queues WHERE name = ?");
        ps.setString(1, name);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
        }
    }

    public static Map<String, String> allQueueSettings(Tx tx) throws SQLException {
        Map<String, String> out = new TreeMap<>();
        try (ResultSet rs = tx.prepare("SELECT name, settings FROM bulwark_queues").executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
        }
        return out;
    }
}
