package io.bulwark.jdbc.sqlite.internal;

import io.bulwark.jdbc.sqlite.SqliteOptions;
import io.bulwark.jdbc.sqlite.WriteStats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The writer's deferred sync, read from the connection itself: SQLite's {@code synchronous}
 * setting inside each batch says whether its commit is forced to disk (2, FULL) or left in the
 * kernel's page cache (1, NORMAL).
 */
class DeferredSyncTest {

    private static final int FULL = 2;
    private static final int NORMAL = 1;
    private static final Duration DELAY = Duration.ofMillis(100);

    @TempDir
    Path dir;
    private GroupCommitWriter writer;
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    @AfterEach
    void close() {
        if (writer != null) {
            writer.close();
        }
    }

    private GroupCommitWriter open(Duration delay, LongSupplier ticker) throws SQLException {
        Path file = dir.resolve("jobs.db");
        Session session = new Session(Database.openWriter(file, SqliteOptions.defaults()), InstantSource.system(), 30_000);
        writer = GroupCommitWriter.start(session, file.toString(), 16, 100, Thread.ofPlatform().daemon().factory(),
                Path.of(file + "-wal"), delay, ticker);
        writer.call("create", s -> update(s, "CREATE TABLE t (x INTEGER)"));
        return writer;
    }

    /** Inserts a row and reads the connection's synchronous setting inside the same transaction. */
    private static int insertAndReadSync(Session s) throws SQLException {
        update(s, "INSERT INTO t VALUES (1)");
        try (Statement st = s.connection().createStatement(); ResultSet rs = st.executeQuery("PRAGMA synchronous")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static int update(Session s, String sql) throws SQLException {
        try (Statement st = s.connection().createStatement()) {
            return st.executeUpdate(sql);
        }
    }

    @Test
    void deferringWritesCommitUnsyncedAndTheNextSyncedCommitCoversThem() throws Exception {
        open(DELAY, now::get);

        assertThat(writer.callDeferringSync("claim", DeferredSyncTest::insertAndReadSync)).isEqualTo(NORMAL);
        assertThat(writer.callDeferringSync("complete", DeferredSyncTest::insertAndReadSync)).isEqualTo(NORMAL);
        assertThat(writer.call("enqueue", DeferredSyncTest::insertAndReadSync)).as("a synced write").isEqualTo(FULL);
        WriteStats stats = writer.stats();
        assertThat(stats.unsyncedCommits()).isEqualTo(2);
        assertThat(stats.commits()).isEqualTo(4);

        now.addAndGet(DELAY.toNanos() * 10);
        assertThat(writer.callDeferringSync("claim", DeferredSyncTest::insertAndReadSync))
                .as("nothing waits for a sync: the synced commit took the earlier ones to disk").isEqualTo(NORMAL);
        assertThat(writer.stats().logSyncs()).as("the ticker stands still: the delay has not passed").isZero();
    }

    @Test
    void aStreamOfDeferringWritesIsSyncedOncePerDelayByOneOfItsOwnCommits() throws Exception {
        open(DELAY, now::get);

        assertThat(writer.callDeferringSync("claim", DeferredSyncTest::insertAndReadSync)).isEqualTo(NORMAL);
        CompletableFuture<Integer> third = new CompletableFuture<>();
        int second = writer.callDeferringSync("claim", s -> {
            // The delay passes while this batch runs, and the next write is queued before it commits:
            // the writer never idles past the delay, so no sync of its own is due.
            now.addAndGet(DELAY.toNanos());
            Thread.ofVirtual().start(() -> third.complete(writer.callDeferringSync("claim", DeferredSyncTest::insertAndReadSync)));
            await().atMost(Duration.ofSeconds(5)).until(() -> writer.stats().waiting() == 1);
            return insertAndReadSync(s);
        });
        assertThat(second).isEqualTo(NORMAL);
        assertThat(third.get(5, TimeUnit.SECONDS)).as("the first unsynced commit is a delay old").isEqualTo(FULL);
        assertThat(writer.callDeferringSync("claim", DeferredSyncTest::insertAndReadSync)).as("a new delay starts")
                .isEqualTo(NORMAL);
        assertThat(writer.stats().unsyncedCommits()).isEqualTo(3);
        assertThat(writer.stats().logSyncs()).isZero();
    }

    @Test
    void aDeferredCommitWithNothingAfterItIsSyncedByTheWriterOnceTheDelayPasses() throws Exception {
        open(Duration.ofMillis(20), System::nanoTime);
        assertThat(Files.exists(Path.of(dir.resolve("jobs.db") + "-wal"))).isTrue();

        writer.callDeferringSync("complete", DeferredSyncTest::insertAndReadSync);
        await().atMost(Duration.ofSeconds(5)).until(() -> writer.stats().logSyncs() == 1);

        assertThat(writer.call("enqueue", DeferredSyncTest::insertAndReadSync)).isEqualTo(FULL);
        assertThat(writer.stats().logSyncs()).as("only deferred commits wait for the writer's own sync").isEqualTo(1);
    }

    @Test
    void withoutADelayEveryWriteKeepsTheConnectionsSetting() throws Exception {
        open(Duration.ZERO, now::get);

        assertThat(writer.callDeferringSync("claim", DeferredSyncTest::insertAndReadSync)).isEqualTo(FULL);
        assertThat(writer.call("enqueue", DeferredSyncTest::insertAndReadSync)).isEqualTo(FULL);
        assertThat(writer.stats().unsyncedCommits()).isZero();
    }
}
