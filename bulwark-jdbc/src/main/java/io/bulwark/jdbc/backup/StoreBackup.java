package io.bulwark.jdbc.backup;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import io.bulwark.core.json.Json;
import io.bulwark.jdbc.StoreException;
import io.bulwark.jdbc.database.DatabaseOptions;
import io.bulwark.jdbc.database.Dialect;
import io.bulwark.jdbc.database.StoreUrls;
import io.bulwark.jdbc.database.internal.Migrations;
import io.bulwark.jdbc.internal.JobRows;
import io.bulwark.jdbc.sqlite.SqliteJobStore;
import io.bulwark.jdbc.sqlite.SqliteOptions;
import io.bulwark.jdbc.sqlite.internal.Database;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.UUID;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * A portable, consistent snapshot of a store: jobs with their history, queue settings, runtime
 * state and its history, schedules and their firings, pipelines (every version) with their runs and step
 * instances, written as gzipped JSON lines and restorable into any store, embedded,
 * PostgreSQL or MariaDB, whichever it came from. The cluster's tables (nodes, leader, terms,
 * locks) are not carried: they describe the fleet running now (see {@code Table.ALL}).
 *
 * <pre>{@code
 * try (OutputStream out = Files.newOutputStream(Path.of("bulwark.backup.gz"))) {
 *     StoreBackup.database(options).backup(out, StoreBackup.Progress.NONE);
 * }
 * try (InputStream in = Files.newInputStream(Path.of("bulwark.backup.gz"))) {
 *     StoreBackup.embedded(Path.of("data")).restore(in, StoreBackup.Progress.NONE);
 * }
 * }</pre>
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li><b>Consistent.</b> Every table is read in one read-only snapshot transaction
 *       (REPEATABLE READ on PostgreSQL, a consistent snapshot on MariaDB, a WAL read transaction on
 *       SQLite), so a backup taken while nodes run shows the store as it was at one instant.</li>
 *   <li><b>Streamed.</b> Rows go from a cursor (fetch size 1,000) through a JSON generator into
 *       gzip, and back through a streaming parser into JDBC batches: memory stays constant
 *       whatever the size of the store.</li>
 *   <li><b>Format.</b> Line 1 {@code {"t":"header","format":"bulwark-store-backup","version":1,
 *       "source":..., "schemaVersion":..., "rows":{table: n}}}; one object per row with
 *       {@code "t"} naming its table and the portable column names; last line
 *       {@code {"t":"end","rows":{...}}}. A file without its end line, or whose counts disagree, is
 *       refused: a truncated backup never restores as if it were whole.</li>
 *   <li><b>All or nothing.</b> A restore runs in one transaction into an empty store (migrated
 *       first); on any failure nothing is kept.</li>
 * </ul>
 */
public final class StoreBackup {

    /** The format's name and version in the header. */
    public static final String FORMAT = "bulwark-store-backup";
    public static final int VERSION = 1;

    private static final int BATCH = 1_000;
    private static final int PROGRESS_EVERY = 10_000;

    /** Reports rows as they are copied, for a progress bar. */
    public interface Progress {
        /** Before the first row: how many rows there are in all. */
        void start(long totalRows);

        /** After every few thousand rows, and at the end: rows copied so far. */
        void rows(long done);

        Progress NONE = new Progress() {
            @Override
            public void start(long totalRows) {
            }

            @Override
            public void rows(long done) {
            }
        };
    }

    /**
     * What a backup or restore copied.
     *
     * @param source the store the backup was taken from ({@code sqlite}, {@code postgresql}, {@code mariadb})
     * @param rows rows per table tag ({@code job}, {@code history}, {@code queue}, {@code state}, {@code stateHistory},
     *        {@code schedule}, {@code firing})
     * @param files small files carried beside the tables (the server's {@code keys.json}), by name
     */
    public record Summary(String source, Map<String, Long> rows, Map<String, String> files) {

        public Summary {
            rows = Map.copyOf(rows);
            files = Map.copyOf(files);
        }

        public long total() {
            return rows.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    @FunctionalInterface
    private interface Connector {
        Connection connect(boolean forRestore) throws SQLException;
    }

    private final Flavor flavor;
    private final String location;
    private final Connector connector;
    private final Runnable migrate;

    private StoreBackup(Flavor flavor, String location, Connector connector, Runnable migrate) {
        this.flavor = flavor;
        this.location = location;
        this.connector = connector;
        this.migrate = migrate;
    }

    /** The embedded store in {@code dataDir}. Take its backup while it runs; restore only while no server uses it. */
    public static StoreBackup embedded(Path dataDir) {
        Path file = dataDir.toAbsolutePath().resolve(SqliteJobStore.FILE_NAME);
        return new StoreBackup(Flavor.SQLITE, file.toString(), restore -> {
            if (!restore && !Files.exists(file)) {
                // SQLite would create an empty file, with the process's umask, and find no schema in it.
                throw new IllegalArgumentException("there is no embedded store at " + file
                        + " to back up; is the data directory right?");
            }
            Connection c = DriverManager.getConnection(Database.url(file));
            try (Statement st = c.createStatement()) {
                st.execute("PRAGMA foreign_keys = ON");
                st.execute("PRAGMA busy_timeout = 10000");
            }
            return c;
        }, () -> {
            try {
                Database.createOwnerOnly(dataDir, file);
            } catch (IOException e) {
                throw new StoreException("SQLite job store", file.toString(), "open", e.toString(), e);
            }
            Database.migrate(file, SqliteOptions.defaults());
        });
    }

    /** A PostgreSQL or MariaDB store. */
    public static StoreBackup database(DatabaseOptions options) {
        Objects.requireNonNull(options, "options must be set");
        Flavor flavor = options.dialect() == Dialect.POSTGRESQL ? Flavor.POSTGRESQL : Flavor.MARIADB;
        return new StoreBackup(flavor, StoreUrls.redact(options.url()), restore -> {
            Properties p = new Properties();
            if (options.user() != null) {
                p.setProperty("user", options.user());
            }
            if (options.password() != null) {
                p.setProperty("password", options.password());
            }
            if (restore && flavor == Flavor.POSTGRESQL) {
                // A batch of inserts goes as multi-row INSERTs: several times fewer round trips.
                p.setProperty("reWriteBatchedInserts", "true");
            }
            Connection c = DriverManager.getConnection(options.url(), p);
            if (flavor == Flavor.MARIADB) {
                try (Statement st = c.createStatement()) {
                    st.execute("SET time_zone = '+00:00'");
                }
            }
            return c;
        }, () -> Migrations.migrate(options));
    }

    // ---------------------------------------------------------------- backup

    /**
     * Writes a snapshot of the store to {@code out} (gzipped JSON lines); {@code out} is not closed.
     *
     * @throws IllegalArgumentException when the embedded store's file does not exist
     * @throws StoreException when the store cannot be read
     * @throws IOException when {@code out} fails
     */
    public Summary backup(OutputStream out, Progress progress) throws IOException {
        return backup(out, progress, Map.of());
    }

    /**
     * Writes a snapshot of the store and {@code files} (small text files that live beside it, such
     * as the server's API keys, by name) to {@code out}; {@code out} is not closed.
     */
    public Summary backup(OutputStream out, Progress progress, Map<String, String> files) throws IOException {
        try (Connection c = connector.connect(false)) {
            beginSnapshot(c);
            try {
                String schemaVersion = schemaVersion(c);
                java.util.List<Table> tables = Table.ALL.stream().filter(t -> t.existsAt(schemaVersion)).toList();
                Map<String, Long> counts = new LinkedHashMap<>();
                for (Table t : Table.ALL) {
                    counts.put(t.tag(), tables.contains(t) ? count(c, t) : 0L);
                }
                progress.start(counts.values().stream().mapToLong(Long::longValue).sum());
                GZIPOutputStream gz = new GZIPOutputStream(new BufferedOutputStream(nonClosing(out), 1 << 16), 1 << 16);
                try (JsonGenerator g = Json.mapper().getFactory().createGenerator(gz, JsonEncoding.UTF8)) {
                    g.writeStartObject();
                    g.writeStringField("t", "header");
                    g.writeStringField("format", FORMAT);
                    g.writeNumberField("version", VERSION);
                    g.writeStringField("source", flavor.id);
                    g.writeStringField("schemaVersion", schemaVersion);
                    writeCounts(g, counts);
                    g.writeEndObject();
                    g.writeRaw('\n');
                    long done = 0;
                    for (Table t : tables) {
                        done = copyOut(c, t, t.columnsAt(schemaVersion), g, progress, done);
                    }
                    for (Map.Entry<String, String> f : new java.util.TreeMap<>(files).entrySet()) {
                        g.writeStartObject();
                        g.writeStringField("t", "file");
                        g.writeStringField("name", f.getKey());
                        g.writeStringField("content", f.getValue());
                        g.writeEndObject();
                        g.writeRaw('\n');
                    }
                    g.writeStartObject();
                    g.writeStringField("t", "end");
                    writeCounts(g, counts);
                    g.writeEndObject();
                    g.writeRaw('\n');
                    progress.rows(done);
                }
                c.rollback();
                return new Summary(flavor.id, counts, files);
            } catch (SQLException | RuntimeException | IOException e) {
                rollbackQuietly(c, e);
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("store", location, "backup", e.getMessage(), e);
        }
    }

    private void beginSnapshot(Connection c) throws SQLException {
        c.setAutoCommit(false);
        switch (flavor) {
            case POSTGRESQL -> {
                c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                c.setReadOnly(true);
            }
            case MARIADB -> {
                c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                try (Statement st = c.createStatement()) {
                    st.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
                }
            }
            case SQLITE -> {
                // Deferred: the first read below pins the WAL snapshot every later read sees.
            }
        }
    }

    private long count(Connection c, Table t) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM " + t.name(flavor))) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private String schemaVersion(Connection c) throws SQLException {
        return JobRows.schemaVersion(c, flavor == Flavor.SQLITE ? "flyway_schema_history" : Migrations.HISTORY_TABLE);
    }

    private static void writeCounts(JsonGenerator g, Map<String, Long> counts) throws IOException {
        g.writeObjectFieldStart("rows");
        for (Map.Entry<String, Long> e : counts.entrySet()) {
            g.writeNumberField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
    }

    private long copyOut(Connection c, Table t, List<Column> columns, JsonGenerator g, Progress progress, long done)
            throws SQLException, IOException {
        String cols = String.join(", ", columns.stream().map(Column::name).toList());
        try (PreparedStatement ps = c.prepareStatement("SELECT " + cols + " FROM " + t.name(flavor) + " ORDER BY "
                + t.order(flavor), ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
            ps.setFetchSize(BATCH);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    g.writeStartObject();
                    g.writeStringField("t", t.tag());
                    for (int i = 0; i < columns.size(); i++) {
                        write(g, columns.get(i), rs, i + 1);
                    }
                    g.writeEndObject();
                    g.writeRaw('\n');
                    if (++done % PROGRESS_EVERY == 0) {
                        progress.rows(done);
                    }
                }
            }
        }
        return done;
    }

    private void write(JsonGenerator g, Column col, ResultSet rs, int i) throws SQLException, IOException {
        switch (col.type()) {
            case ID -> {
                UUID id = flavor == Flavor.POSTGRESQL ? rs.getObject(i, UUID.class) : JobRows.uuid(rs.getBytes(i));
                g.writeStringField(col.name(), id.toString());
            }
            case TEXT -> {
                String v = rs.getString(i);
                if (v != null) {
                    g.writeStringField(col.name(), v);
                }
            }
            case INT -> g.writeNumberField(col.name(), rs.getInt(i));
            case LONG -> {
                long v = rs.getLong(i);
                if (!rs.wasNull()) {
                    g.writeNumberField(col.name(), v);
                }
            }
            case DOUBLE -> {
                double v = rs.getDouble(i);
                if (!rs.wasNull()) {
                    g.writeNumberField(col.name(), v);
                }
            }
            case BOOL -> g.writeBooleanField(col.name(), flavor == Flavor.SQLITE ? rs.getInt(i) != 0 : rs.getBoolean(i));
        }
    }

    // ---------------------------------------------------------------- restore

    /**
     * Restores a backup into this store, which must hold no jobs and no state; migrates it first.
     * All or nothing: on any failure the store stays empty.
     *
     * @throws IllegalArgumentException when {@code in} is not a whole Bulwark backup of a known version
     * @throws IllegalStateException when the store is not empty
     * @throws StoreException when the store cannot be written
     */
    public Summary restore(InputStream in, Progress progress) throws IOException {
        migrate.run();
        try (Connection c = connector.connect(true)) {
            c.setAutoCommit(false);
            try {
                requireEmpty(c);
                Summary s = copyIn(c, in, progress);
                c.commit();
                return s;
            } catch (SQLException | RuntimeException | IOException e) {
                rollbackQuietly(c, e);
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("store", location, "restore", e.getMessage(), e);
        }
    }

    /**
     * The lines of a backup, one JSON value each. A line that is not JSON, or a file whose
     * compressed stream is damaged or cut, is bad input named by where it broke, not a stack trace.
     */
    private static final class Lines {
        private final MappingIterator<JsonNode> it;
        private long read;

        Lines(MappingIterator<JsonNode> it) {
            this.it = it;
        }

        /** The next line's value; null after the last. */
        JsonNode next() throws IOException {
            try {
                if (!it.hasNextValue()) {
                    return null;
                }
                JsonNode value = it.nextValue();
                read++;
                return value;
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalArgumentException("the backup is not valid JSON" + Json.syntaxError(e)
                        + "; nothing was restored");
            } catch (java.util.zip.ZipException | java.io.EOFException e) {
                throw new IllegalArgumentException("the backup is damaged or cut short after line " + read + " ("
                        + e.getMessage() + "); nothing was restored");
            }
        }
    }

    private void requireEmpty(Connection c) throws SQLException {
        for (Table t : Table.ALL) {
            long n = count(c, t);
            if (n > 0) {
                throw new IllegalStateException("the target store " + location + " is not empty (" + t.name(flavor)
                        + " holds " + n + " rows); restore into a new database, schema or data directory");
            }
        }
    }

    private Summary copyIn(Connection c, InputStream in, Progress progress) throws SQLException, IOException {
        Map<Table, PreparedStatement> inserts = new LinkedHashMap<>();
        Map<Table, Integer> pending = new LinkedHashMap<>();
        Map<String, Long> seen = new LinkedHashMap<>();
        Map<String, Long> declared = null;
        Map<String, String> files = new LinkedHashMap<>();
        String source = null;
        boolean ended = false;
        long done = 0;
        PgCopy copy = flavor == Flavor.POSTGRESQL ? new PgCopy(c) : null;
        if (copy != null) {
            copy.deferIndexes(c);
        }
        SqliteIndexes sqliteIndexes = flavor == Flavor.SQLITE ? new SqliteIndexes() : null;
        if (sqliteIndexes != null) {
            sqliteIndexes.defer(c);
        }
        SqliteHistory sqliteHistory = flavor == Flavor.SQLITE ? new SqliteHistory(c) : null;
        InputStream gz;
        try {
            gz = new GZIPInputStream(new BufferedInputStream(in, 1 << 16), 1 << 16);
        } catch (java.util.zip.ZipException | java.io.EOFException e) {
            throw new IllegalArgumentException("this is not a Bulwark store backup (it is not gzipped JSON lines)");
        }
        try (MappingIterator<JsonNode> it = Json.mapper().readerFor(JsonNode.class).readValues(gz)) {
            Lines lines = new Lines(it);
            JsonNode header = lines.next();
            if (header == null) {
                throw new IllegalArgumentException("the backup is empty");
            }
            if (!"header".equals(header.path("t").asText()) || !FORMAT.equals(header.path("format").asText())) {
                throw new IllegalArgumentException("this is not a Bulwark store backup (its first line has no "
                        + "\"format\":\"" + FORMAT + "\")");
            }
            if (header.path("version").asInt() != VERSION) {
                throw new IllegalArgumentException("the backup is format version " + header.path("version").asInt()
                        + "; this Bulwark reads version " + VERSION);
            }
            source = header.path("source").asText();
            declared = counts(header.path("rows"));
            progress.start(declared.values().stream().mapToLong(Long::longValue).sum());
            for (JsonNode row = lines.next(); row != null; row = lines.next()) {
                String tag = row.path("t").asText();
                if (tag.equals("end")) {
                    ended = true;
                    break;
                }
                if (tag.equals("file")) {
                    files.put(row.path("name").asText(), row.path("content").asText());
                    continue;
                }
                Table t = Table.byTag(tag);
                if (t == null) {
                    throw new IllegalArgumentException("unknown record type '" + tag + "' in the backup");
                }
                seen.merge(tag, 1L, Long::sum);
                if (++done % PROGRESS_EVERY == 0) {
                    progress.rows(done);
                }
                if (copy != null) {
                    copy.add(t, row);
                    continue;
                }
                if (sqliteHistory != null && t == Table.HISTORY) {
                    flushUpTo(inserts, pending, Table.JOBS); // the rows the history is appended to
                    sqliteHistory.add(row);
                    continue;
                }
                PreparedStatement ps = inserts.get(t);
                if (ps == null) {
                    ps = c.prepareStatement(insertSql(t));
                    inserts.put(t, ps);
                }
                bind(ps, t, row);
                ps.addBatch();
                int p = pending.merge(t, 1, Integer::sum);
                if (p >= BATCH) {
                    flushUpTo(inserts, pending, t);
                }
            }
        }
        if (copy != null) {
            copy.finish();
            copy.rebuild(c);
        }
        if (!ended) {
            throw new IllegalArgumentException("the backup ends before its end line: it is truncated; nothing was restored");
        }
        for (Table t : inserts.keySet()) {
            if (pending.getOrDefault(t, 0) > 0) {
                inserts.get(t).executeBatch();
            }
        }
        for (PreparedStatement ps : inserts.values()) {
            ps.close();
        }
        if (sqliteHistory != null) {
            sqliteHistory.finish();
        }
        if (sqliteIndexes != null) {
            sqliteIndexes.rebuild(c);
        }
        for (Map.Entry<String, Long> e : declared.entrySet()) {
            long got = seen.getOrDefault(e.getKey(), 0L);
            if (got != e.getValue()) {
                throw new IllegalArgumentException("the backup declares " + e.getValue() + " " + e.getKey()
                        + " rows but holds " + got + "; nothing was restored");
            }
        }
        progress.rows(done);
        return new Summary(source, seen, files);
    }

    /**
     * Writes the pending batches of {@code t} and of every table before it (parents first, so a
     * history row never reaches the database before its job).
     */
    private static void flushUpTo(Map<Table, PreparedStatement> inserts, Map<Table, Integer> pending, Table t)
            throws SQLException {
        for (Table before : Table.ALL) {
            if (pending.getOrDefault(before, 0) > 0) {
                inserts.get(before).executeBatch();
                pending.put(before, 0);
            }
            if (before == t) {
                return;
            }
        }
    }

    private String insertSql(Table t) {
        String cols = String.join(", ", t.columns().stream().map(Column::name).toList());
        int n = t.columns().size();
        String[] marks = new String[n];
        Arrays.fill(marks, "?");
        return "INSERT INTO " + t.name(flavor) + " (" + cols + ") VALUES (" + String.join(", ", marks) + ")";
    }

    /** Binds the row's columns in order. */
    private void bind(PreparedStatement ps, Table t, JsonNode row) throws SQLException {
        int i = 0;
        for (Column col : t.columns()) {
            i++;
            JsonNode v = row.get(col.name());
            boolean missing = v == null || v.isNull();
            switch (col.type()) {
                case ID -> {
                    if (missing) {
                        throw new IllegalArgumentException("a " + t.tag() + " record has no " + col.name());
                    }
                    UUID id = UUID.fromString(v.asText());
                    if (flavor == Flavor.POSTGRESQL) {
                        ps.setObject(i, id);
                    } else {
                        ps.setBytes(i, JobRows.bytes(id));
                    }
                }
                case TEXT -> ps.setString(i, missing ? null : v.asText());
                case INT -> ps.setInt(i, missing ? 0 : v.asInt());
                case LONG -> {
                    if (missing) {
                        ps.setNull(i, Types.BIGINT);
                    } else {
                        ps.setLong(i, v.asLong());
                    }
                }
                case DOUBLE -> {
                    if (missing) {
                        ps.setNull(i, Types.DOUBLE);
                    } else {
                        ps.setDouble(i, v.asDouble());
                    }
                }
                case BOOL -> {
                    boolean b = !missing && v.asBoolean();
                    if (flavor == Flavor.SQLITE) {
                        ps.setInt(i, b ? 1 : 0);
                    } else {
                        ps.setBoolean(i, b);
                    }
                }
            }
        }
    }

    private static Map<String, Long> counts(JsonNode rows) {
        Map<String, Long> out = new LinkedHashMap<>();
        rows.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asLong()));
        return out;
    }

    private static void rollbackQuietly(Connection c, Exception cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    private static OutputStream nonClosing(OutputStream out) {
        return new java.io.FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
    }

    @Override
    public String toString() {
        return "backup of " + location;
    }
}
