package io.bulwark.jdbc.database.internal;

import io.bulwark.jdbc.database.Dialect;
import io.bulwark.jdbc.internal.JobRows;
import io.bulwark.jobs.Job;
import io.bulwark.jobs.JobState;
import io.bulwark.jobs.Transition;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.IntFunction;

/**
 * One transaction of a database store: its connection, the store's time for the whole
 * transaction (read once at its start, from the database's clock in a fleet), and what every
 * operation needs: ids bound and read in the dialect's type, IN lists, history rows (collected
 * and written as one JDBC batch), jobs read back. Not shared between threads.
 */
public final class Tx implements AutoCloseable {

    static final String JOBS = "bulwark_jobs";
    static final String HISTORY = "bulwark_job_history";

    /** The start of every statement that writes history rows; the columns follow in this order. */
    static final String INSERT_INTO_HISTORY = "INSERT INTO " + HISTORY
            + " (job_id, at, from_state, to_state, reason, node, attempt)";

    private static final String INSERT_HISTORY = INSERT_INTO_HISTORY + " VALUES (?, ?, ?, ?, ?, ?, ?)";

    private final Connection connection;
    private final Dialect dialect;
    private final long now;
    private final long agingStepMs;
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    private PreparedStatement history;
    private int pendingHistory;
    private final List<PendingTransition> pgHistory = new ArrayList<>();
    private final java.util.Set<String> wake = new java.util.LinkedHashSet<>();

    public Tx(Connection connection, Dialect dialect, long now, long agingStepMs) {
        this.connection = connection;
        this.dialect = dialect;
        this.now = now;
        this.agingStepMs = agingStepMs;
    }

    /** The store's time for this transaction, in epoch milliseconds. */
    public long now() {
        return now;
    }

    Dialect dialect() {
        return dialect;
    }

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

    /** A statement for {@code sql}, prepared once per transaction. */
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

    /** Binds a job id in the dialect's type: a native uuid, or 16 big-endian bytes. */
    void setId(PreparedStatement ps, int index, UUID id) throws SQLException {
        if (dialect == Dialect.POSTGRESQL) {
            ps.setObject(index, id);
        } else {
            ps.setBytes(index, JobRows.bytes(id));
        }
    }

    UUID id(ResultSet rs, int column) throws SQLException {
        return dialect == Dialect.POSTGRESQL ? rs.getObject(column, UUID.class) : JobRows.uuid(rs.getBytes(column));
    }

    Job job(ResultSet rs) throws SQLException {
        return JobRows.job(rs, id(rs, 1));
    }

    /**
     * {@code (?, ?, ...)} for {@code n} values, padded to a power of two so that few distinct
     * statements are ever prepared; {@link #setIds} repeats the last id into the padding.
     */
    static String in(int n) {
        int slots = slots(n);
        return "(" + "?, ".repeat(slots - 1) + "?)";
    }

    private static int slots(int n) {
        return n <= 1 ? 1 : Integer.bitCount(n) == 1 ? n : Integer.highestOneBit(n) << 1;
    }

    /** Binds {@code ids} from {@code first} on, filling the padding of {@link #in} with the last id. */
    void setIds(PreparedStatement ps, int first, List<UUID> ids) throws SQLException {
        int slots = slots(ids.size());
        for (int i = 0; i < slots; i++) {
            setId(ps, first + i, ids.get(Math.min(i, ids.size() - 1)));
        }
    }

    /** Records one transition; written with the others of this transaction by {@link #flushHistory}. */
    void history(UUID id, JobState from, JobState to, String reason, String node, int attempt) throws SQLException {
        if (dialect == Dialect.POSTGRESQL) {
            pgHistory.add(new PendingTransition(id, from == null ? null : from.id(), to.id(), reason, node, attempt));
            pendingHistory++;
            return;
        }
        if (history == null) {
            history = connection.prepareStatement(INSERT_HISTORY);
        }
        setId(history, 1, id);
        history.setLong(2, now);
        if (from == null) {
            history.setNull(3, Types.VARCHAR);
        } else {
            history.setString(3, from.id());
        }
        history.setString(4, to.id());
        history.setString(5, reason);
        history.setString(6, node);
        history.setInt(7, attempt);
        history.addBatch();
        pendingHistory++;
    }

    /**
     * Notes that {@code queue} has a job that can run now, so that idle workers on other nodes
     * hear of it when this transaction commits ({@link #sendWakeups}).
     */
    void wake(String queue) {
        wake.add(queue);
    }

    /**
     * On PostgreSQL, one {@code NOTIFY} per queue noted by {@link #wake}, on the channel
     * {@link #CHANNEL}; PostgreSQL delivers them when the transaction commits, and drops them when
     * it rolls back. Other dialects have no such thing: their workers poll.
     */
    public void sendWakeups() throws SQLException {
        if (wake.isEmpty() || dialect != Dialect.POSTGRESQL) {
            return;
        }
        PreparedStatement ps = prepare("SELECT pg_notify('" + CHANNEL + "', ?)");
        for (String q : wake) {
            ps.setString(1, q);
            ps.execute();
        }
        wake.clear();
    }

    /** The PostgreSQL channel that carries queue names of jobs ready to run. */
    public static final String CHANNEL = "bulwark_jobs";

    /** Writes the transitions recorded so far; must run before they are read back. */
    void flushHistory() throws SQLException {
        if (pendingHistory == 0) {
            return;
        }
        if (dialect == Dialect.POSTGRESQL) {
            insertHistoryFromArrays();
        } else {
            history.executeBatch();
        }
        pendingHistory = 0;
    }

    /** A transition waiting for {@link #flushHistory} on PostgreSQL. */
    private record PendingTransition(UUID id, String from, String to, String reason, String node, int attempt) {
    }

    /**
     * On PostgreSQL the pending transitions go in as one {@code INSERT ... SELECT FROM unnest(...)}:
     * a JDBC batch would still be one statement execution per row on the server. {@code ORDINALITY}
     * keeps the rows in the order they were recorded, which is the order of a job's history.
     */
    private static final String INSERT_HISTORY_PG = INSERT_INTO_HISTORY + " SELECT u.id, ?, u.f, u.t, u.r, u.n, u.a"
            + " FROM unnest(?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[], ?::int[]) WITH ORDINALITY"
            + " AS u(id, f, t, r, n, a, o) ORDER BY u.o";

    private void insertHistoryFromArrays() throws SQLException {
        List<PendingTransition> h = pgHistory;
        int n = h.size();
        PreparedStatement ps = prepare(INSERT_HISTORY_PG);
        ps.setLong(1, now);
        ps.setArray(2, column("uuid", new UUID[n], i -> h.get(i).id()));
        ps.setArray(3, column("text", new String[n], i -> h.get(i).from()));
        ps.setArray(4, column("text", new String[n], i -> h.get(i).to()));
        ps.setArray(5, column("text", new String[n], i -> h.get(i).reason()));
        ps.setArray(6, column("text", new String[n], i -> h.get(i).node()));
        ps.setArray(7, column("int4", new Integer[n], i -> h.get(i).attempt()));
        ps.executeUpdate();
        pgHistory.clear();
    }

    /**
     * One column of an {@code unnest(...)} on PostgreSQL: an array of SQL type {@code type} holding
     * {@code value} of each index of {@code into}, whose element class picks the driver's encoding.
     */
    <T> Array column(String type, T[] into, IntFunction<? extends T> value) throws SQLException {
        for (int i = 0; i < into.length; i++) {
            into[i] = value.apply(i);
        }
        return connection.createArrayOf(type, into);
    }

    /** The job's row alone, as this transaction sees it. */
    Optional<Job> jobWithoutHistory(UUID id) throws SQLException {
        PreparedStatement ps = prepare("SELECT " + JobRows.COLUMNS + " FROM " + JOBS + " WHERE id = ?");
        setId(ps, 1, id);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(job(rs)) : Optional.empty();
        }
    }

    /** The job with its whole history, as this transaction sees it. */
    Optional<Job> job(UUID id) throws SQLException {
        Optional<Job> job = jobWithoutHistory(id);
        if (job.isEmpty()) {
            return job;
        }
        return Optional.of(job.get().withHistory(histories(List.of(id)).getOrDefault(id, List.of())));
    }

    /** The rows of {@code ids}, without history, in the order of {@code ids}; missing ones are left out. */
    List<Job> jobs(List<UUID> ids) throws SQLException {
        Map<UUID, Job> byId = new HashMap<>(ids.size() * 2);
        for (int from = 0; from < ids.size(); from += 512) {
            List<UUID> chunk = ids.subList(from, Math.min(ids.size(), from + 512));
            PreparedStatement ps = prepare("SELECT " + JobRows.COLUMNS + " FROM " + JOBS + " WHERE id IN "
                    + in(chunk.size()));
            setIds(ps, 1, chunk);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Job j = job(rs);
                    byId.put(j.id(), j);
                }
            }
        }
        List<Job> out = new ArrayList<>(ids.size());
        for (UUID id : ids) {
            Job j = byId.get(id);
            if (j != null) {
                out.add(j);
            }
        }
        return out;
    }

    /** The histories of many jobs, oldest transition first, in as few statements as it takes. */
    Map<UUID, List<Transition>> histories(Collection<UUID> ids) throws SQLException {
        flushHistory();
        List<UUID> all = List.copyOf(ids);
        Map<UUID, List<Transition>> out = new LinkedHashMap<>(all.size() * 2);
        for (int from = 0; from < all.size(); from += 512) {
            List<UUID> chunk = all.subList(from, Math.min(all.size(), from + 512));
            PreparedStatement ps = prepare("SELECT job_id, " + JobRows.HISTORY_COLUMNS + " FROM " + HISTORY
                    + " WHERE job_id IN " + in(chunk.size()) + " ORDER BY job_id, id");
            setIds(ps, 1, chunk);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.computeIfAbsent(id(rs, 1), k -> new ArrayList<>()).add(JobRows.transition(rs, 2));
                }
            }
        }
        return out;
    }

    /** Closes the statements; the connection belongs to the caller. */
    @Override
    public void close() throws SQLException {
        SQLException first = null;
        List<PreparedStatement> all = new ArrayList<>(statements.values());
        if (history != null) {
            all.add(history);
        }
        for (PreparedStatement ps : all) {
            try {
                ps.close();
            } catch (SQLException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        statements.clear();
        if (first != null) {
            throw first;
        }
    }
}
