package io.bulwark.jdbc.sqlite.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.bulwark.jdbc.sqlite.Durability;
import io.bulwark.jdbc.sqlite.SqliteOptions;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * How the store's connections are made. Every connection runs in WAL mode (readers never block the
 * writer, and a commit appends to the log instead of rewriting pages), with foreign keys enforced
 * and a busy timeout for locks held by other processes, such as a CLI opening the same file.
 */
public final class Database {

    /**
     * The highest migration version this binary holds ({@code db/sqlite/V<n>__*}, and the Java
     * migrations); {@code DatabaseTest} checks it against what Flyway finds, so a new migration
     * cannot be added without it.
     */
    public static final int LATEST_VERSION = 10;

    /** Where the versioned migrations live, on the class path. */
    public static final String MIGRATIONS = "classpath:db/sqlite";

    /** Keeps the WAL file from staying large after a burst (it is truncated to this at checkpoints). */
    private static final int JOURNAL_SIZE_LIMIT = 64 * 1024 * 1024;

    private Database() {
    }

    public static String url(Path file) {
        return "jdbc:sqlite:" + file.toAbsolutePath();
    }

    private static SQLiteConfig common(SqliteOptions options) {
        NativeLibrary.prepare();
        SQLiteConfig c = new SQLiteConfig();
        c.setBusyTimeout((int) Math.min(Integer.MAX_VALUE, options.busyTimeout().toMillis()));
        c.enforceForeignKeys(true);
        c.setTempStore(SQLiteConfig.TempStore.MEMORY);
        // No statement asks for generated keys; with this on, sqlite-jdbc matches every executed
        // INSERT/UPDATE against a regular expression and reads column names back through a direct
        // buffer, about 6% of what a server taking single enqueues allocated (docs/decisions.md).
        c.setGetGeneratedKeys(false);
        return c;
    }

    private static SQLiteConfig writerConfig(SqliteOptions options) {
        SQLiteConfig c = common(options);
        c.setJournalMode(SQLiteConfig.JournalMode.WAL);
        c.setSynchronous(options.durability() == Durability.FULL ? SQLiteConfig.SynchronousMode.FULL
                : SQLiteConfig.SynchronousMode.NORMAL);
        c.setJournalSizeLimit(JOURNAL_SIZE_LIMIT);
        c.setCacheSize(-16_384); // 16 MiB of page cache for the writer (negative: KiB)
        return c;
    }

    /** The writer's connection; it creates the file and switches it to WAL on first open. */
    public static Connection openWriter(Path file, SqliteOptions options) throws SQLException {
        return writerConfig(options).createConnection(url(file));
    }

    /**
     * Applies the migrations not yet applied, each once, recorded in {@code flyway_schema_history}.
     *
     * @return how many were applied now
     */
    public static int migrate(Path file, SqliteOptions options) {
        if (current(file, options)) {
            return 0;
        }
        MigrateResult result = flyway(file, options).migrate();
        return result.migrationsExecuted;
    }

    /**
     * True when the schema history records exactly this binary's migrations, versions 1 to
     * {@link #LATEST_VERSION}, each applied successfully: then Flyway has nothing to do, and a
     * start skips it (loading it, scanning the class path for migrations and checksumming them
     * is a large part of a start). Anything else (no file or history yet, a version missing, a
     * failed or newer one) is Flyway's to migrate or to refuse, with its own messages.
     */
    static boolean current(Path file, SqliteOptions options) {
        if (!Files.isRegularFile(file)) {
            return false;
        }
        SQLiteConfig config = common(options);
        config.setReadOnly(true);
        try (Connection c = config.createConnection(url(file));
             java.sql.Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT version, success FROM flyway_schema_history "
                     + "WHERE version IS NOT NULL")) {
            java.util.BitSet applied = new java.util.BitSet();
            int rows = 0;
            while (rs.next()) {
                int version = Integer.parseInt(rs.getString(1));
                if (rs.getInt(2) != 1 || version < 1 || version > LATEST_VERSION) {
                    return false;
                }
                applied.set(version);
                rows++;
            }
            return rows == LATEST_VERSION && applied.cardinality() == LATEST_VERSION;
        } catch (SQLException | NumberFormatException e) {
            return false; // no history table yet, or one Flyway must judge
        }
    }

    /** Flyway for the embedded store's file, with its migrations. */
    public static Flyway flyway(Path file, SqliteOptions options) {
        SQLiteDataSource ds = new SQLiteDataSource(writerConfig(options));
        ds.setUrl(url(file));
        return Flyway.configure(Database.class.getClassLoader())
                .dataSource(ds)
                .loggers("slf4j")
                .locations(MIGRATIONS)
                .javaMigrations(new V6__Expiry())
                .failOnMissingLocations(true)
                .validateMigrationNaming(true)
                .load();
    }

    /** A pool of read-only connections; its threads come from the options' thread factory. */
    public static HikariDataSource openReaders(Path file, SqliteOptions options) {
        SQLiteConfig config = common(options);
        config.setReadOnly(true);
        SQLiteDataSource ds = new SQLiteDataSource(config);
        ds.setUrl(url(file));
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("bulwark-sqlite-read");
        hc.setDataSource(ds);
        hc.setReadOnly(true);
        hc.setAutoCommit(true);
        hc.setMaximumPoolSize(options.readConnections());
        hc.setMinimumIdle(1);
        hc.setThreadFactory(options.threadFactory());
        return new HikariDataSource(hc);
    }

    /**
     * Creates the directory as 0700 and the database file as 0600 before SQLite opens it: the file
     * holds job payloads, and SQLite gives the -wal and -shm files the permissions of the database
     * file, so the three are the owner's alone. An existing directory keeps its permissions.
     */
    public static void createOwnerOnly(Path dataDir, Path file) throws IOException {
        boolean posix = dataDir.getFileSystem().supportedFileAttributeViews().contains("posix");
        if (!posix) {
            Files.createDirectories(dataDir);
            return;
        }
        if (!Files.isDirectory(dataDir)) {
            Files.createDirectories(dataDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        var ownerOnly = PosixFilePermissions.fromString("rw-------");
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(ownerOnly));
        } catch (FileAlreadyExistsException e) {
            Files.setPosixFilePermissions(file, ownerOnly);
        }
        for (String suffix : new String[]{"-wal", "-shm"}) {
            Path side = file.resolveSibling(file.getFileName() + suffix);
            if (Files.exists(side)) {
                Files.setPosixFilePermissions(side, ownerOnly); // left by an older version, created 0644
            }
        }
    }
}
