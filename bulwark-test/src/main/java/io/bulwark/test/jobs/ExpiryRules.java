package io.bulwark.test.jobs;

import io.bulwark.jobs.Job;
import io.bulwark.jobs.JobState;
import io.bulwark.jobs.Transition;
import io.bulwark.jobs.store.Claim;
import io.bulwark.jobs.store.JobQuery;
import io.bulwark.jobs.store.JobStore;
import io.bulwark.jobs.store.NewJob;
import io.bulwark.jobs.store.Outcome;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static io.bulwark.test.jobs.StoreFixture.LEASE;
import static io.bulwark.test.jobs.StoreFixture.lease;
import static org.assertj.core.api.Assertions.assertThat;

/** Waiting jobs with an {@code expiresAt}: never claimed once it has come, and ended expired by {@link JobStore#expireWaiting}. */
abstract class ExpiryRules extends OperatorRules {

    private NewJob expiring(String queue, Instant runAt, Instant expiresAt) {
        NewJob j = f.job(queue, 5, runAt, 3, null);
        return new NewJob(j.id(), j.queue(), j.type(), j.payload(), j.priority(), j.runAt(), j.maxAttempts(),
                j.backoff(), j.timeout(), j.idempotencyKey(), j.tags(), expiresAt);
    }

    @Test
    void aJobKeepsItsExpiresAtAndIsClaimedBeforeIt() {
        Instant at = f.clock.instant().plusSeconds(60);
        UUID id = f.enqueue(expiring("q", null, at));
        assertThat(f.get(id).expiresAt()).isEqualTo(at);
        f.clock.advance(Duration.ofSeconds(59));

        Claim c = f.claimOne("q", "n1");
        assertThat(c.job().expiresAt()).isEqualTo(at);
        f.clock.advance(Duration.ofSeconds(5));
        assertThat(f.store.expireWaiting(10)).as("a running attempt is never cut short").isEmpty();
        assertThat(f.complete(new Outcome.Succeeded(lease(c), "{}"))).isTrue();
        assertThat(f.get(id).state()).isEqualTo(JobState.COMPLETED);
    }

    @Test
    void aJobWhoseExpiresAtHasComeIsNeverClaimedEvenBeforeItIsExpired() {
        Instant at = f.clock.instant().plusSeconds(60);
        UUID id = f.enqueue(expiring("q", null, at));
        f.clock.advance(Duration.ofSeconds(60));

        assertThat(f.store.claim("q", "n1", 10, LEASE)).isEmpty();
        assertThat(f.get(id).state()).isEqualTo(JobState.AVAILABLE);
    }

    @Test
    void expireWaitingEndsScheduledAvailableAndRetryableJobsPastTheirExpiresAtSoonestFirst() {
        Instant t0 = f.clock.instant();
        UUID available = f.enqueue(expiring("q", null, t0.plusSeconds(30)));
        UUID scheduled = f.enqueue(expiring("q", t0.plusSeconds(120), t0.plusSeconds(10)));
        UUID retryable = f.enqueue(expiring("r", null, t0.plusSeconds(20)));
        UUID later = f.enqueue(expiring("q", null, t0.plusSeconds(3600)));
        UUID never = f.enqueue(f.job("q"));
        f.complete(new Outcome.Failed(lease(f.claimOne("r", "n1")), "error", "x", true, Duration.ofMinutes(5)));
        f.clock.advance(Duration.ofSeconds(40));
        Instant now = f.clock.instant();

        List<Job> first = f.store.expireWaiting(2);
        assertThat(first).extracting(Job::id).containsExactly(scheduled, retryable);
        assertThat(f.store.expireWaiting(10)).extracting(Job::id).containsExactly(available);
        assertThat(f.store.expireWaiting(10)).isEmpty();

        assertExpired(scheduled, JobState.SCHEDULED, 0, now, t0.plusSeconds(10));
        assertExpired(retryable, JobState.RETRYABLE, 1, now, t0.plusSeconds(20));
        assertExpired(available, JobState.AVAILABLE, 0, now, t0.plusSeconds(30));
        assertThat(f.get(later).state()).isEqualTo(JobState.AVAILABLE);
        assertThat(f.get(never).state()).isEqualTo(JobState.AVAILABLE);
        assertThat(f.store.claim("q", "n1", 10, LEASE)).extracting(c -> c.job().id())
                .containsExactlyInAnyOrder(later, never);
    }

    private void assertExpired(UUID id, JobState from, int attempt, Instant now, Instant expiresAt) {
        Job j = f.get(id);
        assertThat(j.state()).isEqualTo(JobState.EXPIRED);
        assertThat(j.state().isFinal()).isTrue();
        assertThat(j.finishedAt()).isEqualTo(now);
        assertThat(j.expiresAt()).isEqualTo(expiresAt);
        assertThat(j.history()).last().isEqualTo(new Transition(now, from, JobState.EXPIRED,
                JobStore.expiredReason(expiresAt), null, attempt));
    }

    @Test
    void anExpiredJobIsCountedCancelledDoesNothingAndRetryRunsItWithoutExpiry() {
        UUID id = f.enqueue(expiring("q", null, f.clock.instant().plusSeconds(1)));
        f.clock.advance(Duration.ofSeconds(2));
        assertThat(f.store.expireWaiting(10)).hasSize(1);

        assertThat(f.store.counts()).singleElement()
                .satisfies(c -> assertThat(c.byState()).containsEntry(JobState.EXPIRED, 1L));
        assertThat(f.store.cancel(id, "late").orElseThrow().state()).isEqualTo(JobState.EXPIRED);

        Job again = f.store.retry(id, "by operator").orElseThrow();
        assertThat(again.state()).isEqualTo(JobState.AVAILABLE);
        assertThat(again.expiresAt()).isNull();
        assertThat(again.finishedAt()).isNull();
        f.clock.advance(Duration.ofDays(1));
        assertThat(f.store.expireWaiting(10)).isEmpty();
        assertThat(f.claimOne("q", "n1").job().id()).isEqualTo(id);
    }

    @Test
    void expiredJobsArePrunedLikeOtherFinishedOnes() {
        f.enqueue(expiring("q", null, f.clock.instant().plusSeconds(1)));
        f.clock.advance(Duration.ofSeconds(2));
        assertThat(f.store.expireWaiting(10)).hasSize(1);
        f.clock.advance(Duration.ofSeconds(1));

        assertThat(f.store.prune(f.clock.instant(), 10)).isEqualTo(1);
        assertThat(f.store.counts()).allSatisfy(c -> assertThat(c.byState().getOrDefault(JobState.EXPIRED, 0L)).isZero());
    }

    @Test
    void listFiltersByTheExpiredState() {
        UUID id = f.enqueue(expiring("q", null, f.clock.instant().plusSeconds(1)));
        f.enqueue(f.job("q"));
        f.clock.advance(Duration.ofSeconds(2));
        f.store.expireWaiting(10);

        assertThat(f.store.list(new JobQuery(null, JobState.EXPIRED, null, null, 100)))
                .extracting(Job::id).containsExactly(id);
    }
}
