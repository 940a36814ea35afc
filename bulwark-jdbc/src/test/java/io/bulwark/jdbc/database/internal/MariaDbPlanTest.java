package io.bulwark.jdbc.database.internal;

import io.bulwark.jdbc.database.DatabaseJobStore;
import io.bulwark.jdbc.database.DatabaseOptions;
import io.bulwark.jdbc.internal.StoreCounts;
import io.bulwark.jobs.JobState;
import io.bulwark.jobs.store.QueueCounts;
import io.bulwark.test.db.TestDatabase;
import io.bulwark.test.services.LocalService;
import io.bulwark.test.services.RequiresService;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On MariaDB, which has no partial indexes, the claim and the live counts still read only the
 * rows they need, whatever the table's statistics say.
 */
@RequiresService(LocalService.MARIADB)
class MariaDbPlanTest {

    /**
     * The queue names come from a loose scan of the (queue, id) index, and each queue's live states
     * are ranges of the (queue, state, run_at) index. Checked with 40,000 completed jobs beside 400
     * live ones.
     */
    @Test
    void liveCountsReadRangesOfAnIndexNotTheFinishedJobs() throws SQLException {
        try (TestDatabase db = TestDatabase.create(LocalService.MARIADB);
             DatabaseJobStore store = DatabaseJobStore.open(DatabaseOptions.builder(db.url()).user(db.user()).build());
             Connection c = db.connect()) {
            run(c, seed(40_000, "completed", null), seed(300, "available", null), seed(100, "running", "1900000000000"),
                    "ANALYZE TABLE bulwark_jobs");
            assertThat(explain(c, "SELECT queue, state, count(*) FROM bulwark_jobs GROUP BY queue, state", 0))
                    .as("counting every state reads the whole of an index, or this test shows nothing")
                    .singleElement().satisfies(row -> assertThat(row).startsWith("index|"));
            assertThat(explain(c, "SELECT DISTINCT queue FROM bulwark_jobs", 0)).singleElement()
                    .satisfies(row -> assertThat(row).contains("Using index for group-by"));
            assertThat(explain(c, StoreCounts.liveSql("bulwark_jobs", 4), 4)).singleElement().satisfies(row -> {
                assertThat(row).startsWith("range|");
                assertThat(row).contains("Using index");
            });

            List<QueueCounts> counts = store.counts();
            assertThat(counts).extracting(QueueCounts::queue).containsExactly("q0", "q1", "q2", "q3");
            assertThat(counts).allSatisfy(q -> {
                assertThat(q.count(JobState.COMPLETED)).isEqualTo(10_000);
                assertThat(q.count(JobState.AVAILABLE)).isEqualTo(75);
                assertThat(q.count(JobState.RUNNING)).isEqualTo(25);
                assertThat(q.oldestAvailableRunAt()).isNotNull();
            });
        }
    }

    /**
     * The statistics are taken while the queues hold three available jobs beside 40,000 completed
     * ones, and kept (automatic recalculation off, as between InnoDB's recalculations); then a
     * backlog of 20,000 arrives. The pick still walks the claim index in claim order: no sort of
     * the backlog.
     */
    @Test
    void theClaimWalksTheClaimIndexInOrderWhenTheStatisticsSayThreeJobsAreAvailable() throws SQLException {
        try (TestDatabase db = TestDatabase.create(LocalService.MARIADB);
             DatabaseJobStore store = DatabaseJobStore.open(DatabaseOptions.builder(db.url()).user(db.user()).build());
             Connection c = db.connect()) {
            run(c, "ALTER TABLE bulwark_jobs STATS_AUTO_RECALC = 0", seed(40_000, "completed", null),
                    seed(3, "available", null), "ANALYZE TABLE bulwark_jobs", seed(20_000, "available", null));
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT n_rows FROM"
                    + " mysql.innodb_table_stats WHERE database_name = DATABASE() AND table_name = 'bulwark_jobs'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).as("the statistics still describe the table before the backlog")
                        .isLessThan(50_000);
            }
            List<String> plan = explain(c, Attempts.PICK, ps -> {
                ps.setString(1, "q1");
                ps.setLong(2, System.currentTimeMillis());
                ps.setInt(3, 200);
            });
            assertThat(plan).singleElement().satisfies(row -> {
                assertThat(row).contains("|bulwark_jobs_claim|");
                assertThat(row).doesNotContain("filesort");
            });
            assertThat(store.claim("q1", "n1", 200, java.time.Duration.ofMinutes(1))).hasSize(200);
        }
    }

    /** {@code n} jobs in {@code state}, spread over queues q0 to q3. */
    private static String seed(int n, String state, String leaseUntil) {
        return "INSERT INTO bulwark_jobs (tags, id, queue, type, priority, state, run_at, sort_key, max_attempts,"
                + " created_at, finished_at, lease_until)"
                + " WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < " + n + ")"
                + " SELECT '[]', UNHEX(REPLACE(UUID(), '-', '')), CONCAT('q', n % 4), 't', 0, '" + state + "',"
                + " 1700000000000 + n, 1700000000000 + n, 3, 1700000000000 + n,"
                + ("completed".equals(state) ? " 1700000000000 + n" : " NULL") + ", " + leaseUntil + " FROM g";
    }

    /** Runs each statement in auto-commit, with recursion deep enough for {@link #seed}. */
    private static void run(Connection c, String... statements) throws SQLException {
        c.setAutoCommit(true);
        try (Statement st = c.createStatement()) {
            st.execute("SET SESSION max_recursive_iterations = 100000");
            for (String sql : statements) {
                st.execute(sql);
            }
        }
    }

    /** The rows of MariaDB's EXPLAIN as type|key|Extra, with queues q0 to q{@code queues - 1} bound. */
    private static List<String> explain(Connection c, String sql, int queues) throws SQLException {
        return explain(c, sql, ps -> {
            for (int i = 1; i <= queues; i++) {
                ps.setString(i, "q" + (i - 1));
            }
        });
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private static List<String> explain(Connection c, String sql, Binder binder) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("EXPLAIN " + sql)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(rs.getString("type") + "|" + rs.getString("key") + "|" + rs.getString("Extra"));
                }
            }
        }
        return rows;
    }
}
