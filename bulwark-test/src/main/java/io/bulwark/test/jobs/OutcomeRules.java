package io.bulwark.test.jobs;

import io.bulwark.jobs.Job;
import io.bulwark.jobs.JobState;
import io.bulwark.jobs.Transition;
import io.bulwark.jobs.store.Claim;
import io.bulwark.jobs.store.Outcome;
import io.bulwark.jobs.store.Settled;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static io.bulwark.test.jobs.StoreFixture.LEASE;
import static io.bulwark.test.jobs.StoreFixture.lease;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/** How an attempt ends: success, failure (retry or dead), cancellation, release. */
abstract class OutcomeRules extends ClaimRules {

    @Test
    void successCompletesTheJobWithItsResult() {
        UUID id = f.enqueue(f.job("q"));
        Claim c = f.claimOne("q", "n1");
        f.clock.advance(Duration.ofSeconds(2));
        Instant now = f.clock.instant();
        assertThat(f.complete(new Outcome.Succeeded(lease(c), "{\"ok\":true}"))).isTrue();
        Job j = f.get(id);
        assertThat(j.state()).isEqualTo(JobState.COMPLETED);
        assertThat(j.result()).isEqualTo("{\"ok\":true}");
        assertThat(j.finishedAt()).isEqualTo(now);
        assertThat(j.history()).last()
                .isEqualTo(new Transition(now, JobState.RUNNING, JobState.COMPLETED, "completed", "n1", 1));
    }

    @Test
    void aSecondOutcomeForTheSameAttemptIsRefusedAndChangesNothing() {
        UUID id = f.enqueue(f.job("q"));
        Claim c = f.claimOne("q", "n1");
        assertThat(f.complete(new Outcome.Succeeded(lease(c), "{\"n\":1}"))).isTrue();
        Job done = f.get(id);
        f.clock.advance(Duration.ofSeconds(1));
        assertThat(f.store.complete(List.of(new Outcome.Succeeded(lease(c), "{\"n\":2}"),
                new Outcome.Failed(lease(c), "error", "late", true, Duration.ZERO),
                new Outcome.Cancelled(lease(c), "late"),
                new Outcome.Released(lease(c), "late")))).containsExactly(false, false, false, false);
        assertThat(f.get(id)).isEqualTo(done);
    }

    @Test
    void completeAndClaimRecordsTheOutcomesThenClaimsSeeingWhatTheyDid() {
        UUID done = f.enqueue(f.job("q"));
        UUID released = f.enqueue(f.job("q"));
        Claim first = f.claimOne("q", "n1");
        Claim second = f.claimOne("q", "n1");
        UUID waiting = f.enqueue(f.job("q"));
        f.clock.advance(Duration.ofSeconds(1));
        Settled s = f.store.completeAndClaim(List.of(new Outcome.Succeeded(lease(first), "{}"),
                new Outcome.Released(lease(second), "draining"),
                new Outcome.Succeeded(new io.bulwark.jobs.store.Lease(first.job().id(), first.token() + 1), "{}")),
                "q", "n2", 5, LEASE);
        assertThat(s.applied()).containsExactly(true, true, false);
        assertThat(f.get(done).state()).isEqualTo(JobState.COMPLETED);
        assertThat(s.claims()).extracting(c -> c.job().id()).as("the released job is claimable again at once")
                .containsExactlyInAnyOrder(released, waiting);
        assertThat(s.claims()).allSatisfy(c -> assertThat(f.get(c.job().id()).state()).isEqualTo(JobState.RUNNING));
        Claim again = s.claims().stream().filter(c -> c.job().id().equals(released)).findFirst().orElseThrow();
        assertThat(again.job().history()).as("the claim carries the history, the release before the new claim")
                .isEqualTo(f.get(released).history())
                .extracting(Transition::from, Transition::to, Transition::node)
                .endsWith(tuple(JobState.RUNNING, JobState.AVAILABLE, "n1"), tuple(JobState.AVAILABLE, JobState.RUNNING, "n2"));
    }

    @Test
    void completeAndClaimWithNothingToClaimOnlyRecords() {
        UUID id = f.enqueue(f.job("q"));
        Claim c = f.claimOne("q", "n1");
        f.enqueue(f.job("q"));
        Settled s = f.store.completeAndClaim(List.of(new Outcome.Succeeded(lease(c), "{}")), "q", "n1", 0, LEASE);
        assertThat(s.applied()).containsExactly(true);
        assertThat(s.claims()).isEmpty();
        assertThat(f.get(id).state()).isEqualTo(JobState.COMPLETED);
        assertThat(f.store.completeAndClaim(List.of(), "q", "n1", 1, LEASE).claims()).hasSize(1);
    }

    @Test
    void completeAndClaimWithABadLeaseRecordsNothing() {
        UUID id = f.enqueue(f.job("q"));
        Claim c = f.claimOne("q", "n1");
        assertThatThrownBy(() -> f.store.completeAndClaim(List.of(new Outcome.Succeeded(lease(c), "{}")), "q", "n1", 1,
                Duration.ZERO)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lease");
        assertThat(f.get(id).state()).isEqualTo(JobState.RUNNING);
    }

    @Test
    void aRetryableFailureWaitsItsDelayThenRunsAgain() {
        UUID id = f.enqueue(f.job("q", 5, null, 3, null));
        Claim c1 = f.claimOne("q", "n1");
        Instant failedAt = f.clock.instant();
        assertThat(f.complete(new Outcome.Failed(lease(c1), "error", "first", true, Duration.ofSeconds(7)))).isTrue();
        Job waiting = f.get(id);
        assertThat(waiting.state()).isEqualTo(JobState.RETRYABLE);
        assertThat(waiting.runAt()).isEqualTo(failedAt.plusSeconds(7));
        assertThat(waiting.lastError()).isEqualTo("first");
        assertThat(waiting.finishedAt()).isNull();
        assertThat(waiting.history()).last()
                .isEqualTo(new Transition(failedAt, JobState.RUNNING, JobState.RETRYABLE, "error", "n1", 1));

        f.clock.advance(Duration.ofSeconds(7).minusMillis(1));
        assertThat(f.store.claim("q", "n1", 1, LEASE)).isEmpty();
        f.clock.advance(Duration.ofMillis(1));
        Claim c2 = f.claimOne("q", "n2");
        assertThat(c2.job().attempt()).isEqualTo(2);
        assertThat(f.reasons(id)).containsExactly("enqueued", "claimed", "error", "due", "claimed");
    }

    @Test
    void aFailureOnTheLastAttemptIsDeadWithNoAttemptsLeft() {
        UUID id = f.enqueue(f.job("q", 5, null, 2, null));
        f.complete(new Outcome.Failed(lease(f.claimOne("q", "n1")), "error", "first", true, Duration.ZERO));
        Claim last = f.claimOne("q", "n1");
        Instant now = f.clock.instant();
        assertThat(f.complete(new Outcome.Failed(lease(last), "timeout", "second", true, Duration.ofSeconds(7)))).isTrue();
        Job dead = f.get(id);
        assertThat(dead.state()).isEqualTo(JobState.DEAD);
        assertThat(dead.lastError()).isEqualTo("second");
        assertThat(dead.finishedAt()).isEqualTo(now);
        assertThat(dead.history()).last()
                .isEqualTo(new Transition(now, JobState.RUNNING, JobState.DEAD, "timeout (no attempts left)", "n1", 2));
    }

    @Test
    void aNonRetryableFailureIsDeadWhateverAttemptsRemain() {
        UUID id = f.enqueue(f.job("q", 5, null, 10, null));
        Claim c = f.claimOne("q", "n1");
        assertThat(f.complete(new Outcome.Failed(lease(c), "error", "declined", false, Duration.ofSeconds(7)))).isTrue();
        Job dead = f.get(id);
        assertThat(dead.state()).isEqualTo(JobState.DEAD);
        assertThat(dead.lastError()).isEqualTo("declined");
        assertThat(dead.finishedAt()).isEqualTo(f.clock.instant());
        assertThat(dead.history()).last().extracting(Transition::reason).isEqualTo("error (not retryable)");
    }

    @Test
    void aNonRetryableFailureOnTheLastAttemptIsReportedAsNotRetryable() {
        // Both causes hold; "not retryable" is the one that tells an operator more attempts would not help.
        UUID id = f.enqueue(f.job("q", 5, null, 1, null));
        f.complete(new Outcome.Failed(lease(f.claimOne("q", "n1")), "error", "declined", false, Duration.ZERO));
        assertThat(f.lastTransition(id).reason()).isEqualTo("error (not retryable)");
    }

    @Test
    void aCancelledAttemptEndsTheJobCancelled() {
        UUID id = f.enqueue(f.job("q"));
        Claim c = f.claimOne("q", "n1");
        Instant now = f.clock.instant();
        assertThat(f.complete(new Outcome.Cancelled(lease(c), "cancelled by operator"))).isTrue();
        Job j = f.get(id);
        assertThat(j.state()).isEqualTo(JobState.CANCELLED);
        assertThat(j.finishedAt()).isEqualTo(now);
        assertThat(j.history()).last()
                .isEqualTo(new Transition(now, JobState.RUNNING, JobState.CANCELLED, "cancelled by operator", "n1", 1));
    }

    @Test
    void aReleasedJobIsAvailableAtOnceAndItsAttemptIsNotCounted() {
        UUID id = f.enqueue(f.job("q", 5, null, 1, null));
        Instant due = f.get(id).runAt();
        Claim c = f.claimOne("q", "n1");
        f.clock.advance(Duration.ofSeconds(4));
        Instant now = f.clock.instant();
        assertThat(f.complete(new Outcome.Released(lease(c), "draining"))).isTrue();
        Job j = f.get(id);
        assertThat(j.state()).isEqualTo(JobState.AVAILABLE);
        assertThat(j.attempt()).isZero();
        assertThat(j.runAt()).as("it keeps its place in line").isEqualTo(due);
        assertThat(j.history()).last()
                .isEqualTo(new Transition(now, JobState.RUNNING, JobState.AVAILABLE, "released: draining", "n1", 0));

        Claim again = f.claimOne("q", "n2");
        assertThat(again.job().attempt()).as("the one allowed attempt is still there").isEqualTo(1);
    }

    @Test
    void eachOutcomeOfABatchIsAppliedOrRefusedOnItsOwn() {
        UUID a = f.enqueue(f.job("q"));
        UUID b = f.enqueue(f.job("q"));
        List<Claim> claims = f.store.claim("q", "n1", 2, LEASE);
        Claim forA = claims.get(0).job().id().equals(a) ? claims.get(0) : claims.get(1);
        Claim forB = forA == claims.get(0) ? claims.get(1) : claims.get(0);
        assertThat(f.store.complete(List.of(new Outcome.Succeeded(lease(forA), null),
                new Outcome.Succeeded(lease(forA), null),
                new Outcome.Succeeded(StoreFixture.lease(forB.job().id(), forB.token() + 1), null),
                new Outcome.Succeeded(StoreFixture.lease(UUID.randomUUID(), 1), null),
                new Outcome.Failed(lease(forB), "error", "x", true, Duration.ofSeconds(1)))))
                .containsExactly(true, false, false, false, true);
        assertThat(f.get(a).state()).isEqualTo(JobState.COMPLETED);
        assertThat(f.get(b).state()).isEqualTo(JobState.RETRYABLE);
    }
}
