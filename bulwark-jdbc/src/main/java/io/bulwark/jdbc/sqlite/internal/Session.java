package io.bulwark.jdbc.sqlite.internal;

import io.bulwark.jdbc.internal.JobRows;
import io.bulwark.jobs.Job;
import io.bulwark.jobs.JobState;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The writer's connection and what every write operation needs from it: prepared statements
 * (parsed once and kept, since the same few statements run millions of times), the store's clock,
 * claim-order keys and history rows. Used only by the writer thread, so nothing here is shared.
 */
public final class Session implements AutoCloseable {

    /**
     * Appends one transition to the job's {@code history} column (a compact JSON array, one array per
     * transition, V9__history_in_row.sql); the same expression as that migration's trigger on the
     * {@code job_history} view. Hot statements put it in their own SET list, so that recording the
     * transition costs no row of its own. {@code entry} may also be several entries separated by
     * commas (a restore appends a job's whole history at once).
     */
    public static String appendHistory(String entry) {
        return "history = CASE WHEN history = '[]' THEN '[' ELSE substr(history, 1, length(history) - 1) || ',' END || "
                + entry + " || ']'";
    }

    private static final String JOB = "SELECT " + JobRows.COLUMNS + " FROM jobs WHERE id = ?";

    private static final String APPEND_HISTORY = "UPDATE jobs SET " + appendHistory("json_array(?2, ?3, ?4, ?5, ?6, ?7)")
            + " WHERE id = ?1";

    private final Connection connection;
    private final InstantSource clock;
    private final long agingStepMs;
    private final Map<String, PreparedStatement> statements = new HashMap<>();

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
     * Records one transition of job {@code id}, after its others. For the rarer transitions; claims,
     * successes and enqueues append theirs in their own statement ({@link #appendHistory}).
     */
    void history(byte[] id, long at, JobState from, JobState to, String reason, String node, int attempt)
            throws SQLException {
        PreparedStatement ps = prepare(APPEND_HISTORY);
        ps.setBytes(1, id);
        ps.setLong(2, at);
        if (from == null) {
            ps.setNull(3, Types.VARCHAR);
        } else {
            ps.setString(3, from.id());
        }
        ps.setString(4, to.id());
        ps.setString(5, reason);
        ps.setString(6, node);
        ps.setInt(7, attempt);
        ps.executeUpdate();
    }

    /** The job with its full history, as this transaction sees it. */
    Optional<Job> job(byte[] id) throws SQLException {
        return job(id, true);
    }

    /** The job's row alone, as this transaction sees it. */
    Optional<Job> jobWithoutHistory(byte[] id) throws SQLException {
        return job(id, false);
    }

    private Optional<Job> job(byte[] id, boolean withHistory) throws SQLException {
        PreparedStatement ps = prepare(withHistory ? HistoryColumn.SELECT_BY_ID : JOB);
        ps.setBytes(1, id);
        try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            return Optional.of(withHistory ? HistoryColumn.job(rs) : JobRows.job(rs));
        }
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
        execute("RELEASE op");
    }

    /** Undoes one operation's changes and leaves the batch's transaction open. */
    void rollbackToSavepoint() throws SQLException {
        execute("ROLLBACK TO op");
        execute("RELEASE op");
    }

    /** Ends the transaction, if one is open, without keeping anything. */
    void rollbackQuietly() {
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
