package io.bulwark.test.jobs;

import io.bulwark.jobs.Job;
import io.bulwark.jobs.JobState;
import io.bulwark.jobs.Transition;
import io.bulwark.jobs.store.Claim;
import io.bulwark.jobs.store.NewJob;
import io.bulwark.jobs.store.Outcome;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static io.bulwark.test.jobs.StoreFixture.AGING;
import static io.bulwark.test.jobs.StoreFixture.LEASE;
import static io.bulwark.test.jobs.StoreFixture.lease;
import static org.assertj.core.api.Assertions.assertThat;

/** Claims: when a job is due, which job goes first, and what a claim records. */
abstract class ClaimRules extends EnqueueRules {

    @Test
    void aScheduledJobBecomesDueAndClaimableOnlyOnceTheClockReachesItsRunTime() {
        Instant at = f.clock.instant().plusSeconds(60);
        UUID id = f.enqueue(f.job("q", 5, at, 3, null));
        f.clock.set(at.minusMillis(1));
        assertThat(f.store.claim("q", "n1", 10, LEASE)).isEmpty();
        assertThat(f.get(id).state()).isEqualTo(JobState.SCHEDULED);

        f.clock.set(at);
        assertThat(f.claimOne("q", "n1").job().id()).isEqualTo(id);
        assertThat(f.get(id).history()).hasSize(3).element(1)
                .isEqualTo(new Transition(at, JobState.SCHEDULED, JobState.AVAILABLE, "due", null, 0));
        assertThat(f.reasons(id)).containsExactly("enqueued", "due", "claimed");
    }

    @Test
    void aClaimRunsTheJobCountsTheAttemptLeasesItAndRecordsTheNode() {
        UUID id = f.enqueue(f.job("q"));
        f.clock.advance(Duration.ofSeconds(3));
        Instant now = f.clock.instant();
        Claim c = f.claimOne("q", "n1");
        Job j = c.job();
        assertThat(j.id()).isEqualTo(id);
        assertThat(j.state()).isEqualTo(JobState.RUNNING);
        assertThat(j.attempt()).isEqualTo(1);
        assertThat(j.startedAt()).isEqualTo(now);
        assertThat(j.finishedAt()).isNull();
        assertThat(c.leaseUntil()).isEqualTo(now.plus(LEASE));
        Transition claimed = new Transition(now, JobState.AVAILABLE, JobState.RUNNING, "claimed", "n1", 1);
        assertThat(j.history()).last().isEqualTo(claimed);
        assertThat(f.get(id).history()).last().isEqualTo(claimed);
    }

    @Test
    void eachClaimOfAJobGivesAGreaterTokenAndTheNextAttemptNumber() {
        UUID id = f.enqueue(f.job("q"));
        Claim first = f.claimOne("q", "n1");
        f.complete(new Outcome.Failed(lease(first), "error", "boom", true, Duration.ZERO));
        Claim second = f.claimOne("q", "n2");
        f.complete(new Outcome.Released(lease(second), "draining"));
        Claim third = f.claimOne("q", "n3");
        assertThat(second.token()).isGreaterThan(first.token());
        assertThat(third.token()).isGreaterThan(second.token());
        assertThat(List.of(first, second, third)).extracting(c -> c.job().attempt()).containsExactly(1, 2, 2);
        assertThat(f.lastTransition(id).node()).isEqualTo("n3");
    }

    @Test
    void aFreshHighPriorityJobIsClaimedBeforeAFreshLowPriorityOne() {
        UUID low = f.enqueue(f.job("q", 9, null, 3, null));
        UUID high = f.enqueue(f.job("q", 0, null, 3, null));
        assertThat(f.store.claim("q", "n1", 2, LEASE)).extracting(c -> c.job().id()).containsExactly(high, low);
    }

    @Test
    void aLowPriorityJobThatWaitedNineAgingStepsAndAMomentIsClaimedBeforeAFreshHighPriorityOne() {
        UUID old = f.enqueue(f.job("q", 9, null, 3, null));
        f.clock.advance(AGING.multipliedBy(9).plusMillis(1));
        UUID fresh = f.enqueue(f.job("q", 0, null, 3, null));
        assertThat(f.store.claim("q", "n1", 2, LEASE)).extracting(c -> c.job().id()).containsExactly(old, fresh);
    }

    @Test
    void aLowPriorityJobThatWaitedJustUnderNineAgingStepsStillYieldsToAFreshHighPriorityOne() {
        UUID old = f.enqueue(f.job("q", 9, null, 3, null));
        f.clock.advance(AGING.multipliedBy(9).minusMillis(1));
        UUID fresh = f.enqueue(f.job("q", 0, null, 3, null));
        assertThat(f.store.claim("q", "n1", 2, LEASE)).extracting(c -> c.job().id()).containsExactly(fresh, old);
    }

    @Test
    void jobsWithTheSameClaimOrderAreClaimedByIdOldestFirst() {
        NewJob a = f.job("q");
        NewJob b = f.job("q");
        NewJob c = f.job("q");
        f.store.enqueue(List.of(c, a, b));
        // Priority 1 enqueued one aging step before a priority-0 job weighs exactly the same.
        UUID p1 = f.enqueue(f.job("r", 1, null, 3, null));
        f.clock.advance(AGING);
        UUID p0 = f.enqueue(f.job("r", 0, null, 3, null));

        assertThat(f.store.claim("q", "n1", 3, LEASE)).extracting(x -> x.job().id()).containsExactly(a.id(), b.id(), c.id());
        assertThat(f.store.claim("r", "n1", 2, LEASE)).extracting(x -> x.job().id()).containsExactly(p1, p0);
    }

    @Test
    void aClaimTakesAtMostMaxJobsAndOnlyFromItsQueue() {
        UUID q1 = f.enqueue(f.job("q"));
        UUID q2 = f.enqueue(f.job("q"));
        UUID q3 = f.enqueue(f.job("q"));
        UUID other = f.enqueue(f.job("other"));
        assertThat(f.store.claim("q", "n1", 0, LEASE)).isEmpty();
        assertThat(f.store.claim("q", "n1", -1, LEASE)).isEmpty();
        assertThat(f.store.claim("q", "n1", 2, LEASE)).extracting(c -> c.job().id()).containsExactly(q1, q2);
        assertThat(f.store.claim("q", "n1", 10, LEASE)).extracting(c -> c.job().id()).containsExactly(q3);
        assertThat(f.store.claim("q", "n1", 10, LEASE)).as("running jobs are not claimed again").isEmpty();
        assertThat(f.store.claim("nothing-here", "n1", 10, LEASE)).isEmpty();
        assertThat(f.get(other).state()).isEqualTo(JobState.AVAILABLE);
    }
}
