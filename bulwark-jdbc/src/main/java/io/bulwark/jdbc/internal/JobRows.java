package io.bulwark.jdbc.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.bulwark.core.json.Json;
import io.bulwark.jobs.Job;
import io.bulwark.jobs.JobState;
import io.bulwark.jobs.Transition;
import io.bulwark.resilience.retry.Backoff;

import java.nio.ByteBuffer;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * How a job is laid out in the jobs and job-history tables of every JDBC store (the same columns
 * in each dialect, so that backups move between them). Ids are 16 big-endian
 * bytes, so that SQLite's byte-wise BLOB order is the order of a UUIDv7's timestamp; times are
 * epoch milliseconds; states are their lower-case API names.
 */
public final class JobRows {

    /** The columns {@link #job} reads, in order, for SELECT and RETURNING. */
    public static final String COLUMNS = "id, queue, type, payload, priority, state, run_at, attempt, max_attempts, "
            + "backoff_base_ms, backoff_factor, backoff_cap_ms, timeout_ms, idempotency_key, tags, result, last_error, "
            + "created_at, started_at, finished_at, token, lease_until, sort_key, expires_at";

    /**
     * The columns of a new job, in the order {@link #bindNew} binds them (after the id, which is
     * bound by the caller as the first parameter); {@code attempt} is written as 0.
     */
    public static final String INSERT_COLUMNS = "id, queue, type, payload, priority, state, run_at, sort_key, attempt, "
            + "max_attempts, backoff_base_ms, backoff_factor, backoff_cap_ms, timeout_ms, idempotency_key, tags, "
            + "created_at, expires_at";

    /** The VALUES of {@link #INSERT_COLUMNS}. */
    public static final String INSERT_VALUES = "(?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    public static final String HISTORY_COLUMNS = "at, from_state, to_state, reason, node, attempt";

    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() { };

    private JobRows() {
    }

    /** The row at the cursor, without history; the id is read as 16 bytes. */
    public static Job job(ResultSet rs) throws SQLException {
        return job(rs, uuid(rs.getBytes(1)));
    }

    /**
     * The row at the cursor, without history, with the id the caller read from column 1 (whose
     * type depends on the database: 16 bytes, or a native uuid).
     */
    public static Job job(ResultSet rs, UUID id) throws SQLException {
        Long baseMs = nullableLong(rs, 10);
        Backoff backoff = baseMs == null ? null
                : new Backoff(Duration.ofMillis(baseMs), rs.getDouble(11), Duration.ofMillis(rs.getLong(12)));
        Long timeoutMs = nullableLong(rs, 13);
        return new Job(id, rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5),
                state(rs.getString(6)), instant(rs.getLong(7)), rs.getInt(8), rs.getInt(9), backoff,
                timeoutMs == null ? null : Duration.ofMillis(timeoutMs), rs.getString(14), tags(rs.getString(15)),
                rs.getString(16), rs.getString(17), List.of(), instant(rs.getLong(18)), nullableInstant(rs, 19),
                nullableInstant(rs, 20), nullableInstant(rs, 24));
    }

    /**
     * Binds parameters 2 to 17 of an insert of {@link #INSERT_COLUMNS}: everything but the id.
     *
     * @param sortKey the claim order of an available job, or null for a scheduled one
     */
    public static void bindNew(PreparedStatement insert, io.bulwark.jobs.store.NewJob j, JobState state, long runAt,
                               Long sortKey, long now) throws SQLException {
        insert.setString(2, j.queue());
        insert.setString(3, j.type());
        insert.setString(4, j.payload());
        insert.setInt(5, j.priority());
        insert.setString(6, state.id());
        insert.setLong(7, runAt);
        setNullableLong(insert, 8, sortKey);
        insert.setInt(9, j.maxAttempts());
        if (j.backoff() == null) {
            insert.setNull(10, Types.BIGINT);
            insert.setNull(11, Types.DOUBLE);
            insert.setNull(12, Types.BIGINT);
        } else {
            insert.setLong(10, j.backoff().base().toMillis());
            insert.setDouble(11, j.backoff().factor());
            insert.setLong(12, j.backoff().cap().toMillis());
        }
        setNullableLong(insert, 13, j.timeout() == null ? null : j.timeout().toMillis());
        insert.setString(14, j.idempotencyKey());
        insert.setString(15, tagsJson(j.tags()));
        insert.setLong(16, now);
        setNullableLong(insert, 17, j.expiresAt() == null ? null : j.expiresAt().toEpochMilli());
    }

    /** The fencing token of the row at the cursor (column 21 of {@link #COLUMNS}). */
    public static long token(ResultSet rs) throws SQLException {
        return rs.getLong(21);
    }

    /** The lease end of the row at the cursor (column 22 of {@link #COLUMNS}). */
    public static Instant leaseUntil(ResultSet rs) throws SQLException {
        return nullableInstant(rs, 22);
    }

    /** The claim-order key of the row at the cursor (column 23 of {@link #COLUMNS}). */
    public static long sortKey(ResultSet rs) throws SQLException {
        return rs.getLong(23);
    }

    /** The transition whose {@link #HISTORY_COLUMNS} start at column {@code first} of the row at the cursor. */
    public static Transition transition(ResultSet rs, int first) throws SQLException {
        String from = rs.getString(first + 1);
        return new Transition(instant(rs.getLong(first)), from == null ? null : state(from),
                state(rs.getString(first + 2)), rs.getString(first + 3), rs.getString(first + 4), rs.getInt(first + 5));
    }

    public static byte[] bytes(UUID id) {
        return ByteBuffer.allocate(16).putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits()).array();
    }

    public static UUID uuid(byte[] b) {
        if (b == null || b.length != 16) {
            throw new IllegalStateException("a job id must be 16 bytes but was " + (b == null ? "null" : b.length));
        }
        ByteBuffer buf = ByteBuffer.wrap(b);
        return new UUID(buf.getLong(), buf.getLong());
    }

    /** The order SQLite gives BLOB ids: unsigned, byte by byte. */
    public static int compareIds(UUID a, UUID b) {
        int c = Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits());
        return c != 0 ? c : Long.compareUnsigned(a.getLeastSignificantBits(), b.getLeastSignificantBits());
    }

    public static int compareIds(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, b);
    }

    private static final Map<String, JobState> STATES = Arrays.stream(JobState.values())
            .collect(Collectors.toUnmodifiableMap(JobState::id, st -> st));

    public static JobState state(String id) {
        JobState st = STATES.get(id);
        if (st == null) {
            throw new IllegalStateException("unknown job state '" + id + "' in the database");
        }
        return st;
    }

    /**
     * What {@link #tagsJson} holds exactly when {@code tag} is one of the tags: its JSON string
     * literal opening the array ({@code ["tag"}) or following a comma ({@code ,"tag"}). Inside a
     * JSON string every quote is escaped, so {@code [} or {@code ,} right before a quote only occurs
     * between elements, and the literal's closing quote, after an even run of backslashes, ends the
     * element: a tag {@code b} does not match {@code a"b} (whose literal ends in {@code "b"}).
     */
    public static List<String> tagNeedles(String tag) {
        try {
            String literal = Json.mapper().writeValueAsString(tag);
            return List.of("[" + literal, "," + literal);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("tag cannot be written as JSON: " + e.getMessage(), e);
        }
    }

    public static String tagsJson(Set<String> tags) {
        if (tags.isEmpty()) {
            return "[]";
        }
        try {
            return Json.mapper().writeValueAsString(new TreeSet<>(tags));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("tags cannot be written as JSON: " + e.getMessage(), e);
        }
    }

    public static Set<String> tags(String json) {
        if (json == null || json.equals("[]")) {
            return Set.of();
        }
        try {
            return Set.copyOf(Json.mapper().readValue(json, STRINGS));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored tags are not a JSON array of strings: " + json, e);
        }
    }

    /** {@code b} as it reads back: whole milliseconds. */
    public static Backoff storedBackoff(Backoff b) {
        return new Backoff(storedMillis(b.base()), b.factor(), storedMillis(b.cap()));
    }

    public static Duration storedMillis(Duration d) {
        return Duration.ofMillis(d.toMillis());
    }

    public static Instant instant(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis);
    }

    public static Long nullableLong(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    public static Instant nullableInstant(ResultSet rs, int column) throws SQLException {
        Long v = nullableLong(rs, column);
        return v == null ? null : Instant.ofEpochMilli(v);
    }

    public static void setNullableLong(PreparedStatement ps, int index, Long value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.BIGINT);
        } else {
            ps.setLong(index, value);
        }
    }

    /**
     * The job just inserted, built from what was written rather than read back. Like a replay, it
     * comes without history (as {@link io.bulwark.jobs.store.JobStore#list} gives jobs): enqueue is
     * the hottest path and callers want the job, not its one transition.
     */
    public static Job inserted(io.bulwark.jobs.store.NewJob j, JobState state, long runAt, long now) {
        return new Job(j.id(), j.queue(), j.type(), j.payload(), j.priority(), state, Instant.ofEpochMilli(runAt), 0,
                j.maxAttempts(), j.backoff() == null ? null : storedBackoff(j.backoff()),
                j.timeout() == null ? null : storedMillis(j.timeout()), j.idempotencyKey(), j.tags(), null, null,
                List.of(), Instant.ofEpochMilli(now), null, null,
                j.expiresAt() == null ? null : Instant.ofEpochMilli(j.expiresAt().toEpochMilli()));
    }

    /**
     * The newest version Flyway applied whole, read from its history table {@code table} on
     * {@code c}; {@code "none"} before the first migration. One query, no Flyway scan of the
     * migrations, so status and backups can ask cheaply. ({@code WHERE success} reads the same
     * on PostgreSQL's boolean and MariaDB's and SQLite's integer.)
     */
    public static String schemaVersion(java.sql.Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT version FROM " + table + " WHERE success "
                + "AND version IS NOT NULL ORDER BY installed_rank DESC");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getString(1) : "none";
        }
    }
}
