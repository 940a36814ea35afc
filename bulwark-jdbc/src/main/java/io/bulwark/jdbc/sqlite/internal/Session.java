package io.bulwark.jdbc.sqlite.internal;

import io.bulwark.jdbc.internal.JobRows;
import io.bulwark.jobs.Job;
import io.bulwark.jobs.JobState;
import io.bulwark.jobs.Transition;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The writer's connection and what every write operation needs from it: prepared statements
 * (parsed once and kept, since the same few statements run millions of times), the store's clock,
 * claim-order keys and history rows. Used only by the writer thread, so nothing here is shared.
 */
public final class Session implements AutoCloseable {

    private static final String INSERT_HISTORY_INTO = "INSERT INTO job_history (job_id, seq, at, from_state, to_state, "
            + "reason, node, attempt) VALUES ";
    private static final int HISTORY_ROWS_PER_STATEMENT = 64;

    private record PendingHistory(byte[] id, long at, String from, String to, String reason, String node, int attempt) {
    }

    private static final int HISTORY_CHUNK = 512;

    private final Connection connection;
    private final InstantSource clock;
    private final long agingStepMs;
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    private final List<PendingHistory> pendingHistory = new ArrayList<>();
    private final Set<ByteBuffer> pendingJobs = new HashSet<>();

    public Session(Connection connection, InstantSource clock, long agingStepMs) {
        this.connection = connection;
        this.clock = clock;
        this.agingStepMs = agingStepMs;
    }

    /** The store's time in whole milliseconds, the precision it keeps. */
    public static Instant now(InstantSource clock) {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    /** The store's time in epoch milliseconds, read now. */
    public long nowMs() {
        return now(clock).toEpochMilli();
    }

    /** The writer's connection, inside the batch's transaction, for work written outside this package. */
    public Connection connection() {
        return connection;
    }

    long agingStepMs() {
        return agingStepMs;
    }

    /** The claim-order key of a job that becomes available: {@code runAt + priority × agingStep}. */
    long sortKey(long runAtMs, int priority) {
        return runAtMs + priority * agingStepMs;
    }

    /** A prepared statement for {@code sql}, parsed on first use and kept until the session closes. */
    PreparedStatement prepare(String sql) throws SQLException {
        PreparedStatement ps = statements.get(sql);
        if (ps == null) {
            ps = connection.prepareStatement(sql);
            statements.put(sql, ps);
        } else {
            ps.clearParameters();
        }
        return ps;
    }

    void execute(String sql) throws SQLException {
        prepare(sql).execute();
    }

    /**
     * Records one transition of job {@code id}; its sequence number follows the job's last one. The
     * row is written with the operation's others, several to a statement (one statement per row
     * was two fifths of the writer's time): before the operation's savepoint is released, before
     * any read of history, and before a second transition of the same job.
     */
    void history(byte[] id, long at, JobState from, JobState to, String reason, String node, int attempt)
            throws SQLException {
        if (!pendingJobs.add(ByteBuffer.wrap(id))) {
            flushHistory();
            pendingJobs.add(ByteBuffer.wrap(id));
        }
        pendingHistory.add(new PendingHistory(id, at, from == null ? null : from.id(), to.id(), reason, node, attempt));
    }

    /** Writes the history rows recorded since the last flush. */
    void flushHistory() throws SQLException {
        int at = 0;
        while (at < pendingHistory.size()) {
            int n = Math.min(HISTORY_ROWS_PER_STATEMENT, Integer.highestOneBit(pendingHistory.size() - at));
            PreparedStatement ps = prepare(insertHistory(n));
            for (int i = 0; i < n; i++) {
                PendingHistory h = pendingHistory.get(at + i);
                int p = i * 7;
                ps.setBytes(p + 1, h.id());
                ps.setLong(p + 2, h.at());
                if (h.from() == null) {
                    ps.setNull(p + 3, Types.VARCHAR);
                } else {
                    ps.setString(p + 3, h.from());
                }
                ps.setString(p + 4, h.to());
                ps.setString(p + 5, h.reason());
                ps.setString(p + 6, h.node());
                ps.setInt(p + 7, h.attempt());
            }
            ps.executeUpdate();
            at += n;
        }
        discardHistory();
    }

    private void discardHistory() {
        pendingHistory.clear();
        pendingJobs.clear();
    }

    /**
     * An INSERT of {@code n} history rows (a power of two, so that at most seven statements are
     * ever prepared for it); each row's sequence number is one more than its job's last.
     */
    private static String insertHistory(int n) {
        StringBuilder sql = new StringBuilder(INSERT_HISTORY_INTO);
        for (int i = 0; i < n; i++) {
            int p = i * 7;
            sql.append(i == 0 ? "" : ", ").append("(?").append(p + 1)
                    .append(", (SELECT coalesce(max(seq), 0) + 1 FROM job_history WHERE job_id = ?").append(p + 1)
                    .append("), ?").append(p + 2).append(", ?").append(p + 3).append(", ?").append(p + 4)
                    .append(", ?").append(p + 5).append(", ?").append(p + 6).append(", ?").append(p + 7).append(')');
        }
        return sql.toString();
    }

    /** The job with its full history, as this transaction sees it. */
    Optional<Job> job(byte[] id) throws SQLException {
        Optional<Job> job = jobWithoutHistory(id);
        return job.isEmpty() ? job : Optional.of(withHistory(job.get(), id));
    }

    /** The job's row alone, as this transaction sees it. */
    Optional<Job> jobWithoutHistory(byte[] id) throws SQLException {
        PreparedStatement ps = prepare("SELECT " + JobRows.COLUMNS + " FROM jobs WHERE id = ?");
        ps.setBytes(1, id);
        try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            return Optional.of(JobRows.job(rs));
        }
    }

    Job withHistory(Job job, byte[] id) throws SQLException {
        flushHistory();
        return job.withHistory(JobRows.history(prepare(JobRows.SELECT_HISTORY), id));
    }

    /**
     * The history of many jobs in one statement (a third of a claim's time went to one query per
     * job). The IN list is padded to a power of two by repeating the last id, so that at most ten
     * statements are ever prepared for it.
     */
    Map<UUID, List<Transition>> histories(List<byte[]> ids) throws SQLException {
        flushHistory();
        Map<UUID, List<Transition>> out = new HashMap<>(ids.size() * 2);
        for (int from = 0; from < ids.size(); from += HISTORY_CHUNK) {
            List<byte[]> chunk = ids.subList(from, Math.min(ids.size(), from + HISTORY_CHUNK));
            int slots = Integer.bitCount(chunk.size()) == 1 ? chunk.size() : Integer.highestOneBit(chunk.size()) << 1;
            String sql = "SELECT job_id, " + JobRows.HISTORY_COLUMNS + " FROM job_history WHERE job_id IN ("
                    + "?, ".repeat(slots - 1) + "?) ORDER BY job_id, seq";
            PreparedStatement ps = prepare(sql);
            for (int i = 0; i < slots; i++) {
                ps.setBytes(i + 1, chunk.get(Math.min(i, chunk.size() - 1)));
            }
            JobRows.histories(ps, out);
        }
        return out;
    }

    void begin() throws SQLException {
        execute("BEGIN IMMEDIATE");
    }

    void commit() throws SQLException {
        execute("COMMIT");
    }

    void savepoint() throws SQLException {
        execute("SAVEPOINT op");
    }

    void releaseSavepoint() throws SQLException {
        flushHistory();
        execute("RELEASE op");
    }

    /** Undoes one operation's changes and leaves the batch's transaction open. */
    void rollbackToSavepoint() throws SQLException {
        discardHistory();
        execute("ROLLBACK TO op");
        execute("RELEASE op");
    }

    /** Ends the transaction, if one is open, without keeping anything. */
    void rollbackQuietly() {
        discardHistory();
        try (Statement st = connection.createStatement()) {
            st.execute("ROLLBACK");
        } catch (SQLException ignored) {
            // No transaction was open (SQLite rolls back by itself after some errors): nothing to undo.
        }
    }

    @Override
    public void close() throws SQLException {
        for (PreparedStatement ps : statements.values()) {
            ps.close();
        }
        statements.clear();
        connection.close();
    }
}
