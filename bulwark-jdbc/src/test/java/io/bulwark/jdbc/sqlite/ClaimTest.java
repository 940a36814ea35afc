package io.bulwark.jdbc.sqlite;

import io.bulwark.jobs.Job;
import io.bulwark.jobs.JobState;
import io.bulwark.jobs.Transition;
import io.bulwark.jobs.store.Claim;
import io.bulwark.jobs.store.Lease;
import io.bulwark.jobs.store.Outcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.bulwark.jdbc.sqlite.StoreFixture.LEASE;
import static io.bulwark.jdbc.sqlite.StoreFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class ClaimTest {

    @TempDir
    Path dir;
    StoreFixture f;

    @BeforeEach
    void open() {
        f = new StoreFixture(dir);
    }

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void aClaimStartsAnAttemptWithAFreshTokenAndALease() {
        Job job = f.enqueue("q");
        f.clock.advance(Duration.ofSeconds(2));

        Claim claim = f.claimOne("q", "node-1");

        Instant now = T0.plusSeconds(2);
        assertThat(claim.job().id()).isEqualTo(job.id());
        assertThat(claim.job().state()).isEqualTo(JobState.RUNNING);
        assertThat(claim.job().attempt()).isEqualTo(1);
        assertThat(claim.job().startedAt()).isEqualTo(now);
        assertThat(claim.token()).isEqualTo(1);
        assertThat(claim.leaseUntil()).isEqualTo(now.plus(LEASE));
        assertThat(claim.job().history()).containsExactly(
                new Transition(T0, null, JobState.AVAILABLE, "enqueued", null, 0),
                new Transition(now, JobState.AVAILABLE, JobState.RUNNING, "claimed", "node-1", 1));
        assertThat(f.get(job.id())).isEqualTo(claim.job());
    }

    @Test
    void nothingToClaimIsAnEmptyList() {
        assertThat(f.store.claim("q", "n", 10, LEASE)).isEmpty();
        f.enqueue("other");
        assertThat(f.store.claim("q", "n", 10, LEASE)).isEmpty();
    }

    @Test
    void claimsAtMostMaxAndEachJobOnce() {
        for (int i = 0; i < 5; i++) {
            f.enqueue("q");
        }
        List<Claim> first = f.store.claim("q", "n", 3, LEASE);
        List<Claim> second = f.store.claim("q", "n", 3, LEASE);

        assertThat(first).hasSize(3);
        assertThat(second).hasSize(2);
        assertThat(ids(first)).doesNotContainAnyElementsOf(ids(second));
        assertThat(f.store.claim("q", "n", 3, LEASE)).isEmpty();
    }

    @Test
    void higherPriorityComesFirstThenOlderThenLowerId() {
        Job low = f.enqueue(f.job().priority(7));
        Job highA = f.enqueue(f.job().priority(1));
        Job highB = f.enqueue(f.job().priority(1));
        Job mid = f.enqueue(f.job().priority(4));

        List<Claim> claims = f.store.claim("q", "n", 10, LEASE);

        assertThat(ids(claims)).containsExactly(highA.id(), highB.id(), mid.id(), low.id());
    }

    @Test
    void agingLetsALongWaitingLowPriorityJobOvertakeANewHighPriorityOne() {
        // Priority 9 waits 9 × 30 s = 270 s more than priority 0; after 271 s it is ahead.
        Job old = f.enqueue(f.job().priority(9));
        f.clock.advance(Duration.ofSeconds(271));
        Job urgent = f.enqueue(f.job().priority(0));

        assertThat(ids(f.store.claim("q", "n", 2, LEASE))).containsExactly(old.id(), urgent.id());
    }

    @Test
    void agingStepIsAnOption(@TempDir Path other) {
        try (StoreFixture g = new StoreFixture(other, SqliteOptions.builder().agingStep(Duration.ofSeconds(1)).build())) {
            Job old = g.enqueue(g.job().priority(9));
            g.clock.advance(Duration.ofSeconds(10));
            Job urgent = g.enqueue(g.job().priority(0));

            assertThat(ids(g.store.claim("q", "n", 2, LEASE))).containsExactly(old.id(), urgent.id());
        }
    }

    @Test
    void aScheduledJobBecomesDueAtItsRunTimeWithATransition() {
        Instant runAt = T0.plusSeconds(60);
        Job job = f.enqueue(f.job().runAt(runAt));
        f.clock.advance(Duration.ofSeconds(59));
        assertThat(f.store.claim("q", "n", 1, LEASE)).isEmpty();

        f.clock.advance(Duration.ofSeconds(1));
        Claim claim = f.claimOne("q", "n");

        assertThat(claim.job().id()).isEqualTo(job.id());
        assertThat(claim.job().history().get(1)).as("due is the store's doing, not a node's")
                .isEqualTo(new Transition(runAt, JobState.SCHEDULED, JobState.AVAILABLE, "due", null, 0));
        assertThat(claim.job().history()).extracting(Transition::from, Transition::to, Transition::reason)
                .containsExactly(
                        tuple(null, JobState.SCHEDULED, "enqueued"),
                        tuple(JobState.SCHEDULED, JobState.AVAILABLE, "due"),
                        tuple(JobState.AVAILABLE, JobState.RUNNING, "claimed"));
    }

    @Test
    void aDueScheduledJobIsOrderedByItsRunTimeNotByWhenItWasNoticed() {
        Job scheduled = f.enqueue(f.job().runAt(T0.plusSeconds(10)));
        f.clock.advance(Duration.ofSeconds(100));
        Job fresh = f.enqueue(f.job());

        assertThat(ids(f.store.claim("q", "n", 2, LEASE))).containsExactly(scheduled.id(), fresh.id());
    }

    @Test
    void aRetryableJobBecomesDueAfterItsDelay() {
        Job job = f.enqueue("q");
        Claim c = f.claimOne("q", "n");
        f.store.complete(List.of(new Outcome.Failed(lease(c), "error", "boom", true, Duration.ofSeconds(5))));

        f.clock.advance(Duration.ofSeconds(4));
        assertThat(f.store.claim("q", "n", 1, LEASE)).isEmpty();
        f.clock.advance(Duration.ofSeconds(1));
        Claim again = f.claimOne("q", "n");

        assertThat(again.job().id()).isEqualTo(job.id());
        assertThat(again.job().attempt()).isEqualTo(2);
        assertThat(again.token()).isEqualTo(2);
        assertThat(again.job().history()).extracting(Transition::reason)
                .containsExactly("enqueued", "claimed", "error", "due", "claimed");
        assertThat(again.job().history().get(3).from()).isEqualTo(JobState.RETRYABLE);
    }

    @Test
    void everyClaimOfAJobHasAGreaterToken() {
        f.enqueue("q");
        List<Long> tokens = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Claim c = f.claimOne("q", "n");
            tokens.add(c.token());
            f.store.complete(List.of(new Outcome.Released(lease(c), "drain")));
        }
        assertThat(tokens).containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void theClaimQueryReadsTheClaimIndexInOrder() throws Exception {
        String plan = plan("SELECT rowid FROM jobs WHERE queue = 'q' AND state = 'available' "
                + "ORDER BY sort_key, id LIMIT 10");
        assertThat(plan).contains("jobs_claim").doesNotContain("TEMP B-TREE");
        assertThat(plan("SELECT id FROM jobs WHERE queue = 'q' AND state IN ('scheduled', 'retryable') "
                + "AND run_at <= 5")).contains("jobs_due (queue=? AND state=? AND run_at<?)");
        assertThat(plan("SELECT id FROM jobs WHERE state = 'running' AND lease_until < 5 ORDER BY lease_until, id "
                + "LIMIT 5")).contains("jobs_lease");
    }

    @Test
    void finalJobsAreFoundPerQueueAndStateThroughTheirOwnIndex() throws Exception {
        assertThat(plan("SELECT rowid FROM jobs WHERE queue = 'q' AND state = 'dead' AND finished_at IS NOT NULL"))
                .contains("SEARCH jobs USING COVERING INDEX jobs_finished (queue=? AND state=?");
        assertThat(plan("SELECT rowid, finished_at FROM jobs INDEXED BY jobs_finished WHERE queue = 'q' "
                + "AND state = 'completed' AND finished_at < 5 ORDER BY finished_at, rowid LIMIT 5"))
                .as("a prune reads each range from the index alone, in order")
                .contains("COVERING INDEX jobs_finished (queue=? AND state=? AND finished_at<?)")
                .doesNotContain("TEMP B-TREE");
        assertThat(plan(io.bulwark.jdbc.sqlite.internal.Reads.FINAL_COUNTS))
                .contains("COVERING INDEX jobs_finished")
                .doesNotContain("TEMP B-TREE");
    }

    @Test
    void liveCountsFindTheQueuesAndTheirLiveJobsThroughIndexesWithoutReadingFinishedOnes() throws Exception {
        assertThat(plan(io.bulwark.jdbc.sqlite.internal.Reads.QUEUES)).as("one look-up per queue")
                .contains("SEARCH jobs USING COVERING INDEX jobs_queue_id (queue>?)")
                .doesNotContain("SCAN jobs");
        assertThat(plan(io.bulwark.jdbc.sqlite.internal.Reads.liveSql(2).replaceAll("\\?\\d+", "'q'")))
                .contains("SEARCH jobs USING INDEX jobs_claim (queue=?)")
                .contains("SEARCH jobs USING COVERING INDEX jobs_due (queue=? AND state=?)")
                .contains("INDEX jobs_lease")
                .doesNotContain("jobs_queue_id")
                .doesNotContain("SCAN jobs\n");
    }

    private String plan(String sql) throws Exception {
        StringBuilder out = new StringBuilder();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + f.store.file());
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("EXPLAIN QUERY PLAN " + sql)) {
            while (rs.next()) {
                out.append(rs.getString("detail")).append('\n');
            }
        }
        return out.toString();
    }

    static Lease lease(Claim c) {
        return new Lease(c.job().id(), c.token());
    }

    static List<UUID> ids(List<Claim> claims) {
        return claims.stream().map(c -> c.job().id()).toList();
    }
}
