package io.bulwark.jdbc.sqlite;

import io.bulwark.jobs.Job;
import io.bulwark.jobs.JobState;
import io.bulwark.jobs.Transition;
import io.bulwark.jobs.store.Claim;
import io.bulwark.jobs.store.Lease;
import io.bulwark.jobs.store.Outcome;
import io.bulwark.jobs.store.Renewal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static io.bulwark.jdbc.sqlite.ClaimTest.lease;
import static io.bulwark.jdbc.sqlite.StoreFixture.LEASE;
import static org.assertj.core.api.Assertions.assertThat;

class OutcomeTest {

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

    private Claim running(StoreFixture.JobBuilder b) {
        f.enqueue(b);
        return f.claimOne("q", "node-1");
    }

    private Transition last(UUID id) {
        return f.get(id).history().getLast();
    }

    @Test
    void successCompletesWithResult() {
        Claim c = running(f.job());
        Instant now = f.clock.advance(Duration.ofSeconds(3));

        assertThat(f.store.complete(List.of(new Outcome.Succeeded(lease(c), "{\"ok\":1}")))).containsExactly(true);

        Job job = f.get(c.job().id());
        assertThat(job.state()).isEqualTo(JobState.COMPLETED);
        assertThat(job.result()).isEqualTo("{\"ok\":1}");
        assertThat(job.finishedAt()).isEqualTo(now);
        assertThat(last(job.id())).isEqualTo(
                new Transition(now, JobState.RUNNING, JobState.COMPLETED, "completed", "node-1", 1));
    }

    @Test
    void aRetryableFailureWaitsForItsDelayAndKeepsTheError() {
        Claim c = running(f.job().maxAttempts(3));

        f.store.complete(List.of(new Outcome.Failed(lease(c), "error", "boom", true, Duration.ofSeconds(8))));

        Job job = f.get(c.job().id());
        assertThat(job.state()).isEqualTo(JobState.RETRYABLE);
        assertThat(job.runAt()).isEqualTo(f.store.now().plusSeconds(8));
        assertThat(job.lastError()).isEqualTo("boom");
        assertThat(job.finishedAt()).isNull();
        assertThat(last(job.id())).isEqualTo(
                new Transition(f.store.now(), JobState.RUNNING, JobState.RETRYABLE, "error", "node-1", 1));
    }

    @Test
    void aFailureThatCannotBeRetriedIsDead() {
        Claim c = running(f.job().maxAttempts(3));

        f.store.complete(List.of(new Outcome.Failed(lease(c), "error", "400 bad request", false, Duration.ZERO)));

        Job job = f.get(c.job().id());
        assertThat(job.state()).isEqualTo(JobState.DEAD);
        assertThat(job.finishedAt()).isEqualTo(f.store.now());
        assertThat(job.lastError()).isEqualTo("400 bad request");
        assertThat(last(job.id()).reason()).isEqualTo("error (not retryable)");
    }

    @Test
    void aFailureOfTheLastAttemptIsDead() {
        Claim c = running(f.job().maxAttempts(1));

        f.store.complete(List.of(new Outcome.Failed(lease(c), "timeout", "ran 60s", true, Duration.ofSeconds(1))));

        Job job = f.get(c.job().id());
        assertThat(job.state()).isEqualTo(JobState.DEAD);
        assertThat(job.lastError()).isEqualTo("ran 60s");
        assertThat(last(job.id())).isEqualTo(new Transition(f.store.now(), JobState.RUNNING, JobState.DEAD,
                "timeout (no attempts left)", "node-1", 1));
    }

    @Test
    void aFailureThatCannotBeRetriedOnTheLastAttemptSaysNotRetryable() {
        Claim c = running(f.job().maxAttempts(1));

        f.store.complete(List.of(new Outcome.Failed(lease(c), "error", "400", false, null)));

        assertThat(last(c.job().id()).reason()).isEqualTo("error (not retryable)");
    }

    @Test
    void aCancelledAttemptEndsTheJob() {
        Claim c = running(f.job());

        f.store.complete(List.of(new Outcome.Cancelled(lease(c), "cancelled by operator")));

        Job job = f.get(c.job().id());
        assertThat(job.state()).isEqualTo(JobState.CANCELLED);
        assertThat(job.finishedAt()).isEqualTo(f.store.now());
        assertThat(last(job.id()).reason()).isEqualTo("cancelled by operator");
    }

    @Test
    void aReleasedJobIsAvailableAtOnceAndTheAttemptDoesNotCount() {
        Claim c = running(f.job().maxAttempts(1));
        f.clock.advance(Duration.ofSeconds(5));

        f.store.complete(List.of(new Outcome.Released(lease(c), "draining")));

        Job job = f.get(c.job().id());
        assertThat(job.state()).isEqualTo(JobState.AVAILABLE);
        assertThat(job.runAt()).as("it keeps its place in line").isEqualTo(c.job().runAt());
        assertThat(job.attempt()).isZero();
        assertThat(last(job.id())).isEqualTo(
                new Transition(f.store.now(), JobState.RUNNING, JobState.AVAILABLE, "released: draining", "node-1", 0));
        Claim again = f.claimOne("q", "node-2");
        assertThat(again.job().attempt()).isEqualTo(1);
        assertThat(again.token()).isEqualTo(2);
    }

    @Test
    void anOutcomeWithAStaleTokenChangesNothing() {
        Claim first = running(f.job());
        f.clock.advance(LEASE.plusSeconds(1));
        f.store.rescueExpired("node-2", 10);
        Claim second = f.claimOne("q", "node-2");

        assertThat(f.store.complete(List.of(new Outcome.Succeeded(lease(first), "late")))).containsExactly(false);
        assertThat(f.get(first.job().id()).state()).isEqualTo(JobState.RUNNING);

        assertThat(f.store.complete(List.of(new Outcome.Succeeded(lease(second), "fresh")))).containsExactly(true);
        assertThat(f.get(first.job().id()).result()).isEqualTo("fresh");
    }

    @Test
    void eachOutcomeOfABatchIsAppliedOnItsOwn() {
        Claim a = running(f.job());
        Claim b = running(f.job());
        Lease unknown = new Lease(UUID.randomUUID(), 1);

        List<Boolean> applied = f.store.complete(List.of(new Outcome.Succeeded(lease(a), null),
                new Outcome.Succeeded(new Lease(b.job().id(), 99), null), new Outcome.Succeeded(unknown, null),
                new Outcome.Succeeded(lease(a), null), new Outcome.Failed(lease(b), "error", "x", true, null)));

        assertThat(applied).containsExactly(true, false, false, false, true);
        assertThat(f.get(a.job().id()).state()).isEqualTo(JobState.COMPLETED);
        assertThat(f.get(b.job().id()).state()).isEqualTo(JobState.RETRYABLE);
    }

    @Test
    void aRenewalExtendsAHeldLeaseFromNow() {
        Claim c = running(f.job());
        f.clock.advance(Duration.ofSeconds(20));

        assertThat(f.store.renew(List.of(lease(c)), LEASE)).containsExactly(new Renewal(c.job().id(), true, false));

        f.clock.advance(Duration.ofSeconds(30)); // 50 s after the claim, exactly at the new lease end
        assertThat(f.store.rescueExpired("rescuer", 10)).isEmpty();
        f.clock.advance(Duration.ofMillis(1));
        assertThat(f.store.rescueExpired("rescuer", 10)).extracting(Job::id).containsExactly(c.job().id());
    }

    @Test
    void aRenewalWithAStaleTokenOrOfAFinishedJobIsNotHeld() {
        Claim c = running(f.job());
        Lease stale = new Lease(c.job().id(), c.token() + 1);

        assertThat(f.store.renew(List.of(stale), LEASE)).containsExactly(new Renewal(c.job().id(), false, false));

        f.store.complete(List.of(new Outcome.Succeeded(lease(c), null)));
        assertThat(f.store.renew(List.of(lease(c)), LEASE)).containsExactly(new Renewal(c.job().id(), false, false));
    }

    @Test
    void aRenewalReportsACancelRequestAndTheNextClaimClearsIt() {
        Claim c = running(f.job());
        f.store.cancel(c.job().id(), "stop it");

        assertThat(f.store.renew(List.of(lease(c)), LEASE)).containsExactly(new Renewal(c.job().id(), true, true));

        f.store.complete(List.of(new Outcome.Released(lease(c), "drain")));
        Claim again = f.claimOne("q", "node-1");
        assertThat(f.store.renew(List.of(lease(again)), LEASE)).containsExactly(new Renewal(c.job().id(), true, false));
    }

    @Test
    void expiredLeasesAreRescuedOldestFirstByTheRescuer() {
        Claim a = running(f.job());
        f.clock.advance(Duration.ofSeconds(1));
        Claim b = running(f.job());
        f.clock.advance(Duration.ofSeconds(1));
        Claim c = running(f.job());
        f.clock.advance(LEASE.minusSeconds(1)); // a and b expired, c at its lease end
        f.clock.advance(Duration.ofMillis(1));

        List<Job> first = f.store.rescueExpired("rescuer", 1);
        List<Job> rest = f.store.rescueExpired("rescuer", 10);

        assertThat(first).extracting(Job::id).containsExactly(a.job().id());
        assertThat(rest).extracting(Job::id).containsExactly(b.job().id());
        assertThat(first.getFirst().state()).isEqualTo(JobState.AVAILABLE);
        assertThat(first.getFirst().runAt()).as("it keeps its place in line").isEqualTo(a.job().runAt());
        assertThat(first.getFirst().history()).as("rescued jobs come without history").isEmpty();
        assertThat(last(a.job().id())).isEqualTo(
                new Transition(f.store.now(), JobState.RUNNING, JobState.AVAILABLE, "lease expired", "rescuer", 1));
        assertThat(f.get(c.job().id()).state()).isEqualTo(JobState.RUNNING);
    }

    @Test
    void anExpiredLeaseOnTheLastAttemptIsDead() {
        Claim c = running(f.job().maxAttempts(1));
        f.clock.advance(LEASE.plusSeconds(1));

        Job rescued = f.store.rescueExpired("rescuer", 10).getFirst();

        assertThat(rescued.state()).isEqualTo(JobState.DEAD);
        assertThat(rescued.finishedAt()).isEqualTo(f.store.now());
        assertThat(last(c.job().id())).isEqualTo(new Transition(f.store.now(), JobState.RUNNING,
                JobState.DEAD, "lease expired (no attempts left)", "rescuer", 1));
        assertThat(f.store.complete(List.of(new Outcome.Succeeded(lease(c), null)))).containsExactly(false);
    }
}
