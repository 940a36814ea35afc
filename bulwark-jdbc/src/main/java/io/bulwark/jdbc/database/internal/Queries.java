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
        boolean perState = tx.dialect() == Dialect.POSTGRESQL && q.queue() != null && q.state() == null;
        StringBuilder sql = new StringBuilder("SELECT ").append(JobRows.COLUMNS).append(" FROM ");
        if (perState) {
            sql.append('(');
            JobState[] states = JobState.values();
            for (int s = 0; s < states.length; s++) {
                sql.append(s == 0 ? "(" : " UNION ALL (").append("SELECT ").append(JobRows.COLUMNS).append(" FROM ")
                        .append(Tx.JOBS);
                where(sql, tx, q, states[s]);
                sql.append(" ORDER BY id DESC LIMIT ?)");
            }
            sql.append(") listed");
        } else {
            sql.append(Tx.JOBS);
            where(sql, tx, q, q.state());
        }
        sql.append(" ORDER BY id DESC LIMIT ?");
        PreparedStatement ps = tx.prepare(sql.toString());
        int i = 1;
        if (perState) {
            for (int s = 0; s < JobState.values().length; s++) {
                i = bind(ps, i, tx, q);
                ps.setInt(i++, q.limit());
            }
        } else {
            i = bind(ps, i, tx, q);
        }
        ps.setInt(i, q.limit());
        List<Job> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(tx.job(rs));
            }
        }
        return out;
    }

    /** The {@code WHERE} of a listing; {@code state} is a literal (an enum's id), every other value a parameter. */
    private static void where(StringBuilder sql, Tx tx, JobQuery q, JobState state) {
        sql.append(" WHERE 1 = 1");
        if (q.queue() != null) {
            sql.append(" AND queue = ?");
        }
        if (state != null) {
            sql.append(" AND state = '").append(state.id()).append('\'');
        }
        if (q.type() != null) {
            sql.append(" AND type = ?");
        }
        if (q.after() != null) {
            sql.append(" AND id < ?");
        }
        if (q.tag() != null) {
            // See JobRows.tagNeedles: the tag's literal opening the array or following a comma (case-sensitive).
            sql.append(tx.dialect() == Dialect.POSTGRESQL ? " AND (strpos(tags, ?) > 0 OR strpos(tags, ?) > 0)"
                    : " AND (INSTR(tags, ?) > 0 OR INSTR(tags, ?) > 0)");
        }
        if (q.createdFrom() != null) {
            sql.append(" AND id >= ? AND created_at >= ?");
        }
        if (q.createdBefore() != null) {
            sql.append(" AND id < ? AND created_at < ?");
        }
    }

    /** Binds what {@link #where} left as parameters from index {@code i}; the next free index. */
    private static int bind(PreparedStatement ps, int i, Tx tx, JobQuery q) throws SQLException {
        if (q.queue() != null) {
            ps.setString(i++, q.queue());
        }
        if (q.type() != null) {
            ps.setString(i++, q.type());
        }
        if (q.after() != null) {
            tx.setId(ps, i++, q.after());
        }
        if (q.tag() != null) {
            for (String needle : JobRows.tagNeedles(q.tag())) {
                ps.setString(i++, needle);
            }
        }
        if (q.createdFrom() != null) {
            tx.setId(ps, i++, q.lowestId());
            ps.setLong(i++, q.createdFrom().toEpochMilli());
        }
        if (q.createdBefore() != null) {
            tx.setId(ps, i++, q.highestId());
            ps.setLong(i++, q.createdBefore().toEpochMilli());
        }
        return i;
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
