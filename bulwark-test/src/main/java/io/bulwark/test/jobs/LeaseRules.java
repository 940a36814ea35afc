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

/**
 * Leases, their renewal and rescue (expired, or of a node declared dead), and the fencing tokens
 * that make a rescued attempt's word void.
 */
abstract class LeaseRules extends OutcomeRules {

    @Test
    void aRenewalExtendsTheLeaseFromNowSoTheJobIsNotRescued() {
        UUID id = f.enqueue(f.job("q"));
        Claim c = f.claimOne("q", "n1");
        f.clock.advance(Duration.ofSeconds(20));
        assertThat(f.store.renew(List.of(lease(c)), LEASE)).containsExactly(new Renewal(id, true, false));
        f.clock.advance(Duration.ofSeconds(30));
        assertThat(f.store.rescueExpired("n2", 10)).as("at the renewed lease's end, not after it").isEmpty();
        f.clock.advance(Duration.ofMillis(1));
        assertThat(f.store.rescueExpired("n2", 10)).extracting(Job::id).containsExactly(id);
    }

    /** Regression: rescued jobs were queued behind the whole backlog and waited 13-26 s to run again (FleetTakeoverIT). */
    @Test
    void aRescuedJobKeepsItsPlaceAheadOfJobsThatCameAfterIt() {
        UUID first = f.enqueue(f.job("q"));
        Claim c = f.claimOne("q", "n1");
        f.clock.advance(Duration.ofSeconds(1));
        UUID later = f.enqueue(f.job("q"));
        f.clock.set(c.leaseUntil().plusMillis(1));
        assertThat(f.store.rescueExpired("n2", 10)).extracting(Job::id).containsExactly(first);
        assertThat(f.claimOne("q", "n2").job().id()).as("the rescued job runs first").isEqualTo(first);
        assertThat(f.claimOne("q", "n2").job().id()).isEqualTo(later);
    }

    @Test
    void aLeaseIsRescuedOnlyOnceTheClockIsPastItsEnd() {
        UUID id = f.enqueue(f.job("q"));
        Instant due = f.get(id).runAt();
        Claim c = f.claimOne("q", "n1");
        f.clock.set(c.leaseUntil());
        assertThat(f.store.rescueExpired("n2", 10)).isEmpty();
        f.clock.advance(Duration.ofMillis(1));
        Instant now = f.clock.instant();
        assertThat(f.store.rescueExpired("n2", 10)).singleElement().satisfies(j -> {
            assertThat(j.id()).isEqualTo(id);
            assertThat(j.state()).isEqualTo(JobState.AVAILABLE);
            assertThat(j.runAt()).as("it keeps its place in line").isEqualTo(due);
        });
        assertThat(f.get(id).history()).last()
                .isEqualTo(new Transition(now, JobState.RUNNING, JobState.AVAILABLE, "lease expired", "n2", 1));
        assertThat(f.claimOne("q", "n2").job().attempt()).as("the lost attempt counts").isEqualTo(2);
    }

    @Test
    void anExpiredLeaseOnTheLastAttemptIsDead() {
        UUID id = f.enqueue(f.job("q", 5, null, 1, null));
        f.claimOne("q", "n1");
        f.clock.advance(LEASE.plusMillis(1));
        Instant now = f.clock.instant();
        assertThat(f.store.rescueExpired("n2", 10)).singleElement().extracting(Job::state).isEqualTo(JobState.DEAD);
        Job dead = f.get(id);
        assertThat(dead.finishedAt()).isEqualTo(now);
        assertThat(dead.history()).last().isEqualTo(
                new Transition(now, JobState.RUNNING, JobState.DEAD, "lease expired (no attempts left)", "n2", 1));
    }

    @Test
    void rescueTakesTheOldestLeasesFirstAndAtMostMax() {
        UUID first = f.enqueue(f.job("q"));
        f.claimOne("q", "n1");
        f.clock.advance(Duration.ofSeconds(1));
        UUID second = f.enqueue(f.job("q"));
        f.claimOne("q", "n1");
        f.clock.advance(Duration.ofSeconds(1));
        UUID third = f.enqueue(f.job("q"));
        f.claimOne("q", "n1");
        f.clock.advance(LEASE.plusSeconds(5));
        assertThat(f.store.rescueExpired("n2", 0)).isEmpty();
        assertThat(f.store.rescueExpired("n2", 2)).extracting(Job::id).containsExactly(first, second);
        assertThat(f.store.rescueExpired("n2", 2)).extracting(Job::id).containsExactly(third);
        assertThat(f.store.rescueExpired("n2", 2)).isEmpty();
    }

    @Test
    void anOldTokenIsRefusedAfterRescueAndReclaimAndChangesNothing() {
        UUID id = f.enqueue(f.job("q"));
        Claim old = f.claimOne("q", "n1");
        f.clock.advance(LEASE.plusMillis(1));
        f.store.rescueExpired("n2", 10);
        Claim current = f.claimOne("q", "n2");
        Job before = f.get(id);

        f.clock.advance(Duration.ofSeconds(1));
        assertThat(f.store.renew(List.of(lease(old)), LEASE)).containsExactly(new Renewal(id, false, false));
        assertThat(f.store.complete(List.of(new Outcome.Succeeded(lease(old), "{}"),
                new Outcome.Failed(lease(old), "error", "stale", false, Duration.ZERO),
                new Outcome.Cancelled(lease(old), "stale"),
                new Outcome.Released(lease(old), "stale")))).containsExactly(false, false, false, false);
        assertThat(f.get(id)).isEqualTo(before);

        f.clock.set(current.leaseUntil().plusMillis(1));
        assertThat(f.store.rescueExpired("n3", 10)).as("the stale renewal did not extend the new lease")
                .extracting(Job::id).containsExactly(id);
    }

    @Test
    void theCurrentTokenStillWorksAfterAStaleOneWasRefused() {
        UUID id = f.enqueue(f.job("q"));
        Claim old = f.claimOne("q", "n1");
        f.clock.advance(LEASE.plusMillis(1));
        f.store.rescueExpired("n2", 10);
        Claim current = f.claimOne("q", "n2");
        assertThat(current.token()).isGreaterThan(old.token());
        assertThat(f.complete(new Outcome.Succeeded(lease(old), "{\"from\":\"old\"}"))).isFalse();
        assertThat(f.store.renew(List.of(lease(current)), LEASE)).containsExactly(new Renewal(id, true, false));
        assertThat(f.complete(new Outcome.Succeeded(lease(current), "{\"from\":\"current\"}"))).isTrue();
        assertThat(f.get(id).result()).isEqualTo("{\"from\":\"current\"}");
    }

    @Test
    void aLeaseOnAFinishedOrUnknownJobIsNotHeld() {
        UUID id = f.enqueue(f.job("q"));
        Claim c = f.claimOne("q", "n1");
        f.complete(new Outcome.Succeeded(lease(c), null));
        UUID unknown = UUID.randomUUID();
        assertThat(f.store.renew(List.of(lease(c), StoreFixture.lease(unknown, 1)), LEASE))
                .containsExactly(new Renewal(id, false, false), new Renewal(unknown, false, false));
        assertThat(f.complete(new Outcome.Succeeded(StoreFixture.lease(unknown, 1), null))).isFalse();
    }

    @Test
    void rescueNodeTakesOnlyThatNodesAttemptsStartedAtOrBeforeTheInstant() {
        UUID early = f.enqueue(f.job("q"));
        f.claimOne("q", "n1");
        UUID other = f.enqueue(f.job("q"));
        f.claimOne("q", "n2");
        Instant declared = f.clock.instant();
        f.clock.advance(Duration.ofSeconds(1));
        UUID late = f.enqueue(f.job("q"));
        f.claimOne("q", "n1");
        Instant now = f.clock.instant();

        assertThat(f.store.rescueNode("n1", declared, "leader", 10)).as("its lease has not expired: no matter")
                .singleElement().satisfies(j -> {
                    assertThat(j.id()).isEqualTo(early);
                    assertThat(j.state()).isEqualTo(JobState.AVAILABLE);
                    assertThat(j.runAt()).as("it keeps its place in line").isBefore(now);
                });
        assertThat(f.get(early).history()).last().isEqualTo(new Transition(now, JobState.RUNNING, JobState.AVAILABLE,
                "node n1 died, rescued by leader", "leader", 1));
        assertThat(f.get(other).state()).as("another node's").isEqualTo(JobState.RUNNING);
        assertThat(f.get(late).state()).as("claimed after the instant").isEqualTo(JobState.RUNNING);
        assertThat(f.store.rescueNode("n1", declared, "leader", 10)).isEmpty();
        assertThat(f.claimOne("q", "n3").job()).satisfies(j -> {
            assertThat(j.id()).isEqualTo(early);
            assertThat(j.attempt()).as("the lost attempt counts").isEqualTo(2);
        });
    }

    @Test
    void aLateRenewalOrOutcomeFromARescuedNodeIsRefusedAndChangesNothing() {
        UUID id = f.enqueue(f.job("q"));
        Claim old = f.claimOne("q", "n1");
        f.clock.advance(Duration.ofSeconds(1));
        f.store.rescueNode("n1", f.clock.instant(), "leader", 10);
        Job rescued = f.get(id);

        f.clock.advance(Duration.ofSeconds(1));
        assertThat(f.store.renew(List.of(lease(old)), LEASE)).containsExactly(new Renewal(id, false, false));
        assertThat(f.store.complete(List.of(new Outcome.Succeeded(lease(old), "{}"),
                new Outcome.Failed(lease(old), "error", "late", true, Duration.ZERO),
                new Outcome.Cancelled(lease(old), "late"),
                new Outcome.Released(lease(old), "late")))).containsExactly(false, false, false, false);
        assertThat(f.get(id)).isEqualTo(rescued);

        Claim again = f.claimOne("q", "n2");
        assertThat(again.token()).as("the token is never reused").isGreaterThan(old.token());
        assertThat(f.complete(new Outcome.Succeeded(lease(old), "{\"from\":\"dead\"}"))).isFalse();
        assertThat(f.complete(new Outcome.Succeeded(lease(again), "{\"from\":\"n2\"}"))).isTrue();
        assertThat(f.get(id).result()).isEqualTo("{\"from\":\"n2\"}");
    }

    @Test
    void aRescuedAttemptThatWasTheLastIsDead() {
        UUID id = f.enqueue(f.job("q", 5, null, 1, null));
        f.claimOne("q", "n1");
        Instant now = f.clock.instant();

        assertThat(f.store.rescueNode("n1", now, "leader", 10)).singleElement().extracting(Job::state)
                .isEqualTo(JobState.DEAD);
        Job dead = f.get(id);
        assertThat(dead.finishedAt()).isEqualTo(now);
        assertThat(dead.history()).last().isEqualTo(new Transition(now, JobState.RUNNING, JobState.DEAD,
                "node n1 died, rescued by leader (no attempts left)", "leader", 1));
    }

    @Test
    void rescueNodeTakesTheOldestAttemptsFirstAndAtMostMax() {
        UUID first = f.enqueue(f.job("q"));
        f.claimOne("q", "n1");
        f.clock.advance(Duration.ofSeconds(1));
        UUID second = f.enqueue(f.job("q"));
        f.claimOne("q", "n1");
        f.clock.advance(Duration.ofSeconds(1));
        UUID third = f.enqueue(f.job("q"));
        f.claimOne("q", "n1");
        Instant declared = f.clock.instant();

        assertThat(f.store.rescueNode("n1", declared, "leader", 0)).isEmpty();
        assertThat(f.store.rescueNode("n1", declared, "leader", 2)).extracting(Job::id).containsExactly(first, second);
        assertThat(f.store.rescueNode("n1", declared, "leader", 2)).extracting(Job::id).containsExactly(third);
        assertThat(f.store.rescueNode("n1", declared, "leader", 2)).isEmpty();
    }

    @Test
    void rescueNodeLeavesTheNodesFinishedAndWaitingJobsAlone() {
        UUID done = f.enqueue(f.job("q"));
        f.complete(new Outcome.Succeeded(lease(f.claimOne("q", "n1")), null));
        UUID retrying = f.enqueue(f.job("q"));
        f.complete(new Outcome.Failed(lease(f.claimOne("q", "n1")), "error", "x", true, Duration.ofMinutes(5)));
        Job doneBefore = f.get(done);
        Job retryingBefore = f.get(retrying);

        assertThat(f.store.rescueNode("n1", f.clock.instant(), "leader", 10)).isEmpty();
        assertThat(f.get(done)).isEqualTo(doneBefore);
        assertThat(f.get(retrying)).isEqualTo(retryingBefore);
    }
}
