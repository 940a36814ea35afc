package io.bulwark.jdbc.database.internal;

import io.bulwark.jdbc.database.Dialect;
import io.bulwark.jdbc.internal.JobRows;
import io.bulwark.jobs.Job;
import io.bulwark.jobs.JobState;
import io.bulwark.jobs.store.JobQuery;
import io.bulwark.jobs.store.QueueCounts;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
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

    /** Per queue, in name order: how many jobs in each state, and the oldest run time among available ones. */
    public static List<QueueCounts> counts(Tx tx) throws SQLException {
        return JobRows.counts(tx.connection(), Tx.JOBS);
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
