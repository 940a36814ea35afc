package io.bulwark.jdbc.database.internal;

import io.bulwark.core.ids.Uuid7;
import io.bulwark.jdbc.database.DatabaseJobStore;
import io.bulwark.jdbc.database.DatabaseOptions;
import io.bulwark.jobs.JobState;
import io.bulwark.jobs.store.Claim;
import io.bulwark.jobs.store.Lease;
import io.bulwark.jobs.store.NewJob;
import io.bulwark.jobs.store.Outcome;
import io.bulwark.resilience.retry.Backoff;
import io.bulwark.test.db.TestDatabase;
import io.bulwark.test.services.LocalService;
import io.bulwark.test.services.RequiresService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hot statements on PostgreSQL keep their plans whatever the table's statistics say. The
 * statistics here are the ones autovacuum leaves when it runs while a queue is down to three
 * available jobs and none runs; then a backlog arrives and 400 jobs run. Left to itself the
 * planner believes three jobs are available and none runs: it would read the whole backlog and
 * sort it on every claim, and walk every running job for each outcome it records.
 */
@RequiresService(LocalService.POSTGRESQL)
class StaleStatisticsPlanTest {

    private static final String QUEUE = "drained";
    private static final int FIRST = 5_000;
    private static final int BACKLOG = 10_000;
    private static final int RUNNING = 400;

    private static TestDatabase db;
    private static final List<Claim> running = new ArrayList<>();

    @BeforeAll
    static void aQueueDrainedToThreeJobsIsVacuumedThenABacklogArrives() throws SQLException {
        db = TestDatabase.create(LocalService.POSTGRESQL);
        Uuid7 ids = new Uuid7(InstantSource.system(), new SplittableRandom(11));
        try (DatabaseJobStore store = DatabaseJobStore.open(DatabaseOptions.builder(db.url()).user(db.user()).build())) {
            store.enqueue(jobs(ids, FIRST));
            for (int left = FIRST - 3; left > 0; left -= 1_000) {
                List<Outcome> done = new ArrayList<>();
                for (Claim c : store.claim(QUEUE, "n1", Math.min(left, 1_000), Duration.ofMinutes(1))) {
                    done.add(new Outcome.Succeeded(new Lease(c.job().id(), c.token()), null));
                }
                store.complete(done);
            }
            // What autovacuum leaves: three jobs available, and the claim index at its old size.
            try (Connection c = db.connect(); Statement st = c.createStatement()) {
                c.setAutoCommit(true);
                st.execute("VACUUM ANALYZE bulwark_jobs");
            }
            for (int i = 0; i < BACKLOG; i += 1_000) {
                store.enqueue(jobs(ids, 1_000));
            }
            running.addAll(store.claim(QUEUE, "n1", RUNNING, Duration.ofMinutes(1)));
        }
        assertThat(running).hasSize(RUNNING);
    }

    @AfterAll
    static void drop() {
        if (db != null) {
            db.close();
        }
    }

    @Test
    void theClaimWalksTheClaimIndexInOrderWhenTheStatisticsSayThreeJobsAreAvailable() throws SQLException {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            assertThat(picked(claimPlan(c)))
                    .as("without the promotion's settings the planner must take the stale statistics at their word,"
                            + " or this test shows nothing")
                    .contains("Sort");
            c.rollback();

            promote(c);
            String plan = claimPlan(c);
            assertThat(picked(plan)).contains("Index Scan using bulwark_jobs_claim on bulwark_jobs")
                    .doesNotContain("Sort")
                    .doesNotContain("Bitmap");
            assertThat(plan).doesNotContain("JIT");
            c.rollback();
        }
    }

    @Test
    void outcomesAndRenewalsFindTheirJobsByTheirKeyWhenTheStatisticsSayNoneRuns() throws SQLException {
        // A nested loop that matches ids in a join filter compares every running job with every
        // outcome of the batch: 80,000 comparisons for 200 outcomes with 400 jobs running.
        String everyRowAgainstEveryOutcome = "Join Filter: ((j.id = u.id)";
        try (Connection c = db.connect()) {
            String fencedByState = SetOutcomes.SUCCEEDED.replace("j.token = u.token",
                    "j.state = 'running' AND j.token = u.token");
            assertThat(fencedByState).isNotEqualTo(SetOutcomes.SUCCEEDED);
            // Depending on the sample ANALYZE took: a sequential or lease-index scan of the running
            // jobs, hashed or in a nested loop. Either way the rows are found by state, not by key.
            assertThat(outcomePlan(c, fencedByState))
                    .as("naming the state must lead the planner astray with these statistics, or this test shows nothing")
                    .contains("Filter: (state = 'running'::text)")
                    .doesNotContain("bulwark_jobs_pkey");
            assertThat(outcomePlan(c, SetOutcomes.SUCCEEDED)).doesNotContain(everyRowAgainstEveryOutcome)
                    .doesNotContain("bulwark_jobs_lease");

            assertThat(renewPlan(c, Attempts.RENEW)).contains("Index Scan using bulwark_jobs_pkey")
                    .doesNotContain("bulwark_jobs_lease");
        }
    }

    @Test
    void liveCountsReadOnlyThePartialIndexesOfLiveJobs() throws SQLException {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute(Queries.LIVE_PG);
            }
            try (PreparedStatement explain = c.prepareStatement("EXPLAIN " + Queries.LIVE_COUNTS_PG)) {
                assertThat(plan(explain)).contains("bulwark_jobs_claim", "bulwark_jobs_due", "bulwark_jobs_lease")
                        .doesNotContain("Seq Scan")
                        .doesNotContain("bulwark_jobs_queue_state")
                        .doesNotContain("Gather")
                        .doesNotContain("JIT");
            }
            c.rollback();
            assertThat(setting(c, "enable_seqscan")).as("for the transaction only").isEqualTo("on");
        }
        try (DatabaseJobStore store = DatabaseJobStore.open(DatabaseOptions.builder(db.url()).user(db.user()).build())) {
            var counts = store.counts();
            assertThat(counts).singleElement().satisfies(q -> {
                assertThat(q.count(JobState.COMPLETED)).isEqualTo(FIRST - 3);
                assertThat(q.count(JobState.AVAILABLE)).isEqualTo(3 + BACKLOG - RUNNING);
                assertThat(q.count(JobState.RUNNING)).isEqualTo(RUNNING);
                assertThat(q.oldestAvailableRunAt()).isNotNull();
            });
        }
    }

    @Test
    void theSettingsHoldForTheClaimsTransactionOnlyAndSurviveTheDriversServerSidePrepare() throws SQLException {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            // pgjdbc prepares a statement on the server from its fifth use on: check past that.
            try (PreparedStatement promote = c.prepareStatement(Attempts.PROMOTE_PG)) {
                for (int i = 0; i < 8; i++) {
                    bindPromote(promote);
                    promote.executeUpdate();
                    assertThat(setting(c, "enable_sort")).as("use %d", i + 1).isEqualTo("off");
                    assertThat(setting(c, "jit")).as("use %d", i + 1).isEqualTo("off");
                    c.commit();
                    assertThat(setting(c, "enable_sort")).as("after commit %d", i + 1).isEqualTo("on");
                    c.commit();
                }
            }
        }
    }

    private static void promote(Connection c) throws SQLException {
        try (PreparedStatement promote = c.prepareStatement(Attempts.PROMOTE_PG)) {
            bindPromote(promote);
            promote.executeUpdate();
        }
    }

    private static void bindPromote(PreparedStatement promote) throws SQLException {
        long now = System.currentTimeMillis();
        promote.setString(1, QUEUE);
        promote.setLong(2, now);
        promote.setLong(3, 1_000);
        promote.setLong(4, now);
    }

    /** The claim statement's plan as the store runs it, with this transaction's settings. */
    private static String claimPlan(Connection c) throws SQLException {
        long now = System.currentTimeMillis();
        try (PreparedStatement explain = c.prepareStatement("EXPLAIN " + Attempts.CLAIM_PG)) {
            explain.setString(1, QUEUE);
            explain.setLong(2, now);
            explain.setInt(3, 200);
            explain.setLong(4, now);
            explain.setLong(5, now + 60_000);
            explain.setString(6, "n1");
            explain.setLong(7, now);
            explain.setString(8, "n1");
            return plan(explain);
        }
    }

    /** The part of the plan that picks the jobs to claim. */
    private static String picked(String plan) {
        assertThat(plan).contains("CTE picked", "CTE claimed");
        return plan.substring(plan.indexOf("CTE picked"), plan.indexOf("CTE claimed"));
    }

    /** The plan of recording 200 of the running jobs as succeeded with {@code sql}. */
    private static String outcomePlan(Connection c, String sql) throws SQLException {
        int n = 200;
        UUID[] ids = new UUID[n];
        Long[] tokens = new Long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = running.get(i).job().id();
            tokens[i] = running.get(i).token();
        }
        try (PreparedStatement explain = c.prepareStatement("EXPLAIN " + sql)) {
            explain.setLong(1, System.currentTimeMillis());
            explain.setArray(2, c.createArrayOf("uuid", ids));
            explain.setArray(3, c.createArrayOf("bigint", tokens));
            explain.setArray(4, c.createArrayOf("text", new String[n]));
            explain.setArray(5, c.createArrayOf("bigint", new Long[n]));
            return plan(explain);
        }
    }

    /** The plan of renewing one running job's lease with {@code sql}. */
    private static String renewPlan(Connection c, String sql) throws SQLException {
        try (PreparedStatement explain = c.prepareStatement("EXPLAIN " + sql)) {
            explain.setLong(1, System.currentTimeMillis() + 60_000);
            explain.setObject(2, running.get(0).job().id());
            explain.setLong(3, running.get(0).token());
            return plan(explain);
        }
    }

    private static String plan(PreparedStatement explain) throws SQLException {
        StringBuilder plan = new StringBuilder();
        try (ResultSet rs = explain.executeQuery()) {
            while (rs.next()) {
                plan.append(rs.getString(1)).append('\n');
            }
        }
        return plan.toString();
    }

    private static String setting(Connection c, String name) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static List<NewJob> jobs(Uuid7 ids, int n) {
        List<NewJob> jobs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            jobs.add(new NewJob(ids.next(), QUEUE, "t", "{}", 5, null, 3, Backoff.DEFAULT, Duration.ofMinutes(1), null,
                    Set.of()));
        }
        return jobs;
    }
}
