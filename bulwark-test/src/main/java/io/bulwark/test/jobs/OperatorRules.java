package io.bulwark.test.jobs;

import io.bulwark.jobs.Job;
import io.bulwark.jobs.JobState;
import io.bulwark.jobs.Transition;
import io.bulwark.jobs.store.Claim;
import io.bulwark.jobs.store.Outcome;
import io.bulwark.jobs.store.Renewal;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static io.bulwark.test.jobs.StoreFixture.LEASE;
import static io.bulwark.test.jobs.StoreFixture.lease;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What operators do: cancel, retry, retry and purge dead letters, prune finished jobs. */
abstract class OperatorRules extends LeaseRules {

    @Test
    void cancellingAWaitingJobEndsItAtOnceWhetherScheduledAvailableOrRetryable() {
        UUID scheduled = f.enqueue(f.job("q", 5, f.clock.instant().plusSeconds(60), 3, null));
        UUID available = f.enqueue(f.job("q"));
        UUID retryable = f.enqueue(f.job("r"));
        f.complete(new Outcome.Failed(lease(f.claimOne("r", "n1")), "error", "x", true, Duration.ofSeconds(5)));
        f.clock.advance(Duration.ofSeconds(1));
        Instant now = f.clock.instant();

        assertCancelledNow(scheduled, JobState.SCHEDULED, 0, now);
        assertCancelledNow(available, JobState.AVAILABLE, 0, now);
        assertCancelledNow(retryable, JobState.RETRYABLE, 1, now);
        f.clock.advance(Duration.ofMinutes(2));
        assertThat(f.store.claim("q", "n1", 10, LEASE)).isEmpty();
        assertThat(f.store.claim("r", "n1", 10, LEASE)).isEmpty();
    }

    private void assertCancelledNow(UUID id, JobState from, int attempt, Instant now) {
        Job j = f.store.cancel(id, "by operator").orElseThrow();
        assertThat(j.state()).isEqualTo(JobState.CANCELLED);
        assertThat(j.finishedAt()).isEqualTo(now);
        assertThat(j.history()).last().isEqualTo(new Transition(now, from, JobState.CANCELLED, "by operator", null, attempt));
        assertThat(f.get(id)).isEqualTo(j);
    }

    @Test
    void cancellingARunningJobLeavesItRunningAndTellsItsWorkerOnTheNextRenewal() {
        UUID id = f.enqueue(f.job("q"));
        Claim c = f.claimOne("q", "n1");
        assertThat(f.store.renew(List.of(lease(c)), LEASE)).singleElement()
                .satisfies(r -> assertThat(r.cancelRequested()).isFalse());
        List<Transition> before = f.get(id).history();

        Job j = f.store.cancel(id, "by operator").orElseThrow();
        assertThat(j.state()).isEqualTo(JobState.RUNNING);
        assertThat(j.history()).isEqualTo(before);
        assertThat(f.store.renew(List.of(lease(c)), LEASE)).singleElement().satisfies(r -> {
            assertThat(r.held()).isTrue();
            assertThat(r.cancelRequested()).isTrue();
        });
        assertThat(f.complete(new Outcome.Cancelled(lease(c), "cancelled"))).isTrue();
        assertThat(f.get(id).state()).isEqualTo(JobState.CANCELLED);
        assertThat(f.store.renew(List.of(lease(c)), LEASE)).as("a lease no longer held reports no request")
                .containsExactly(new Renewal(id, false, false));
    }

    @Test
    void cancellingAFinishedOrUnknownJobChangesNothing() {
        UUID completed = f.completedJob("q");
        UUID dead = f.deadJob("q");
        UUID cancelled = f.enqueue(f.job("q"));
        f.store.cancel(cancelled, "first");
        for (UUID id : List.of(completed, dead, cancelled)) {
            Job before = f.get(id);
            f.clock.advance(Duration.ofSeconds(1));
            assertThat(f.store.cancel(id, "again")).contains(before);
        }
        assertThat(f.store.cancel(UUID.randomUUID(), "x")).isEmpty();
    }

    @Test
    void retryingADeadJobMakesItAvailableNowWithOneMoreAttempt() {
        UUID id = f.deadJob("q");
        f.clock.advance(Duration.ofMinutes(5));
        Instant now = f.clock.instant();
        Job again = f.store.retry(id, "operator").orElseThrow();
        assertThat(again.state()).isEqualTo(JobState.AVAILABLE);
        assertThat(again.runAt()).isEqualTo(now);
        assertThat(again.finishedAt()).isNull();
        assertThat(again.maxAttempts()).isEqualTo(2);
        assertThat(again.id()).isEqualTo(id);
        assertThat(again.history()).last()
                .isEqualTo(new Transition(now, JobState.DEAD, JobState.AVAILABLE, "retry: operator", null, 1));
        assertThat(f.get(id)).isEqualTo(again);
        assertThat(f.claimOne("q", "n1").job().attempt()).isEqualTo(2);
    }

    @Test
    void retryingACancelledOrCompletedJobRunsItAgainKeepingAttemptsItStillHas() {
        UUID cancelled = f.enqueue(f.job("q", 5, null, 3, null));
        f.store.cancel(cancelled, "oops");
        UUID completed = f.completedJob("q");

        Job fromCancelled = f.store.retry(cancelled, null).orElseThrow();
        assertThat(fromCancelled.state()).isEqualTo(JobState.AVAILABLE);
        assertThat(fromCancelled.maxAttempts()).as("it has attempts left").isEqualTo(3);
        assertThat(fromCancelled.history()).last().extracting(Transition::from, Transition::reason)
                .containsExactly(JobState.CANCELLED, "retried");
        Job fromCompleted = f.store.retry(completed, "again").orElseThrow();
        assertThat(fromCompleted.state()).isEqualTo(JobState.AVAILABLE);
        assertThat(fromCompleted.maxAttempts()).isEqualTo(2);
        assertThat(fromCompleted.history()).last().extracting(Transition::from, Transition::reason)
                .containsExactly(JobState.COMPLETED, "retry: again");
    }

    @Test
    void retryingAJobThatIsNotFinishedIsRefusedNamingItsState() {
        UUID scheduled = f.enqueue(f.job("q", 5, f.clock.instant().plusSeconds(60), 3, null));
        UUID available = f.enqueue(f.job("q"));
        UUID running = f.enqueue(f.job("r"));
        f.claimOne("r", "n1");
        UUID retryable = f.enqueue(f.job("s"));
        f.complete(new Outcome.Failed(lease(f.claimOne("s", "n1")), "error", "x", true, Duration.ofSeconds(5)));

        for (UUID id : List.of(scheduled, available, running, retryable)) {
            Job before = f.get(id);
            assertThatThrownBy(() -> f.store.retry(id, "x")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(before.state().id());
            assertThat(f.get(id)).isEqualTo(before);
        }
        assertThat(f.store.retry(UUID.randomUUID(), "x")).isEmpty();
    }

    @Test
    void retryDeadRetriesEveryDeadJobOfTheQueueOrOnlyTheNamedOnes() {
        UUID a = f.deadJob("q");
        UUID b = f.deadJob("q");
        UUID c = f.deadJob("q");
        UUID elsewhere = f.deadJob("other");
        UUID completed = f.completedJob("q");

        assertThat(f.store.retryDead("q", List.of(a, elsewhere, completed, UUID.randomUUID()))).isEqualTo(1);
        assertThat(f.get(a).state()).isEqualTo(JobState.AVAILABLE);
        assertThat(f.get(a).history()).last().extracting(Transition::from, Transition::to)
                .containsExactly(JobState.DEAD, JobState.AVAILABLE);
        assertThat(f.get(a).maxAttempts()).isEqualTo(2);
        assertThat(f.get(elsewhere).state()).isEqualTo(JobState.DEAD);
        assertThat(f.get(completed).state()).isEqualTo(JobState.COMPLETED);

        assertThat(f.store.retryDead("q", List.of())).isEqualTo(2);
        assertThat(List.of(f.get(b), f.get(c))).extracting(Job::state).containsOnly(JobState.AVAILABLE);
        assertThat(f.get(elsewhere).state()).isEqualTo(JobState.DEAD);
        assertThat(f.store.retryDead("q", List.of())).isZero();
    }

    @Test
    void purgeDeadDeletesOnlyTheDeadJobsOfTheQueue() {
        UUID a = f.deadJob("q");
        UUID b = f.deadJob("q");
        UUID elsewhere = f.deadJob("other");
        UUID completed = f.completedJob("q");
        UUID waiting = f.enqueue(f.job("q"));

        assertThat(f.store.purgeDead("q")).isEqualTo(2);
        assertThat(f.store.get(a)).isEmpty();
        assertThat(f.store.get(b)).isEmpty();
        assertThat(f.store.get(elsewhere)).isPresent();
        assertThat(f.store.get(completed)).isPresent();
        assertThat(f.store.get(waiting)).isPresent();
        assertThat(f.store.purgeDead("q")).isZero();
    }

    @Test
    void pruneTakesTheOldestFinishedJobsAcrossQueuesAndStates() {
        UUID first = f.completedJob("x");
        f.clock.advance(Duration.ofSeconds(1));
        UUID second = f.deadJob("y");
        f.clock.advance(Duration.ofSeconds(1));
        UUID third = f.completedJob("y");
        f.clock.advance(Duration.ofSeconds(1));
        UUID fourth = f.deadJob("x");
        f.clock.advance(Duration.ofSeconds(1));
        UUID fifth = f.completedJob("x");
        f.clock.advance(Duration.ofSeconds(1));
        Instant cutoff = f.clock.instant();

        assertThat(f.store.prune(cutoff, 2)).isEqualTo(2);
        assertThat(List.of(first, second)).allSatisfy(id -> assertThat(f.store.get(id)).isEmpty());
        assertThat(List.of(third, fourth, fifth)).allSatisfy(id -> assertThat(f.store.get(id)).isPresent());
        assertThat(f.store.prune(cutoff, 2)).isEqualTo(2);
        assertThat(List.of(third, fourth)).allSatisfy(id -> assertThat(f.store.get(id)).isEmpty());
        assertThat(f.store.get(fifth)).isPresent();
        assertThat(f.store.prune(cutoff, 2)).isEqualTo(1);
        assertThat(f.store.get(fifth)).isEmpty();
    }

    @Test
    void pruneDeletesFinishedJobsThatEndedBeforeTheCutoffOldestFirstUpToTheLimit() {
        UUID first = f.completedJob("q");
        f.clock.advance(Duration.ofSeconds(1));
        UUID second = f.deadJob("q");
        f.clock.advance(Duration.ofSeconds(1));
        UUID third = f.enqueue(f.job("q"));
        f.store.cancel(third, "no longer needed");
        f.clock.advance(Duration.ofSeconds(1));
        Instant cutoff = f.clock.instant();
        UUID atCutoff = f.completedJob("q");
        UUID waiting = f.enqueue(f.job("q", 5, f.clock.instant().minusSeconds(10), 3, null));
        f.clock.advance(Duration.ofHours(1));
        UUID running = f.enqueue(f.job("r"));
        f.claimOne("r", "n1");

        assertThat(f.store.prune(cutoff, 0)).isZero();
        assertThat(f.store.prune(cutoff, 2)).isEqualTo(2);
        assertThat(f.store.get(first)).isEmpty();
        assertThat(f.store.get(second)).isEmpty();
        assertThat(f.store.get(third)).isPresent();
        assertThat(f.store.prune(cutoff, 10)).isEqualTo(1);
        assertThat(f.store.get(third)).isEmpty();
        assertThat(f.store.prune(cutoff, 10)).isZero();
        assertThat(List.of(atCutoff, waiting, running)).allSatisfy(id -> assertThat(f.store.get(id)).isPresent());
    }
}
