package io.bulwark.test.jobs;

import io.bulwark.jobs.Job;
import io.bulwark.jobs.JobState;
import io.bulwark.jobs.Transition;
import io.bulwark.jobs.store.Claim;
import io.bulwark.jobs.store.Enqueued;
import io.bulwark.jobs.store.NewJob;
import io.bulwark.jobs.store.Outcome;
import io.bulwark.resilience.retry.Backoff;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static io.bulwark.test.jobs.StoreFixture.lease;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Enqueue: first state, run time, history, all-or-nothing batches, idempotency keys. */
abstract class EnqueueRules extends StoreRules {

    @Test
    void anEnqueuedJobIsAvailableAtOnceWithItsFieldsAndOneHistoryEntry() {
        NewJob n = f.job("q", 4, null, 7, "key-1");
        Enqueued e = f.store.enqueue(List.of(n)).get(0);
        assertThat(e.replayed()).isFalse();
        assertThat(e.job().id()).isEqualTo(n.id());
        Instant now = f.clock.instant();
        Job j = f.get(n.id());
        assertThat(j.state()).isEqualTo(JobState.AVAILABLE);
        assertThat(j.queue()).isEqualTo("q");
        assertThat(j.type()).isEqualTo(StoreFixture.TYPE);
        assertThat(j.payload()).isEqualTo("{\"n\":1}");
        assertThat(j.priority()).isEqualTo(4);
        assertThat(j.runAt()).isEqualTo(now);
        assertThat(j.createdAt()).isEqualTo(now);
        assertThat(j.attempt()).isZero();
        assertThat(j.maxAttempts()).isEqualTo(7);
        assertThat(j.backoff()).isEqualTo(Backoff.DEFAULT);
        assertThat(j.timeout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(j.idempotencyKey()).isEqualTo("key-1");
        assertThat(j.tags()).containsExactly("tag");
        assertThat(j.result()).isNull();
        assertThat(j.lastError()).isNull();
        assertThat(j.startedAt()).isNull();
        assertThat(j.finishedAt()).isNull();
        assertThat(j.history()).containsExactly(new Transition(now, null, JobState.AVAILABLE, "enqueued", null, 0));
    }

    @Test
    void aJobWithARunTimeInTheFutureIsScheduledForThatTime() {
        Instant at = f.clock.instant().plusSeconds(60);
        UUID id = f.enqueue(f.job("q", 5, at, 3, null));
        Job j = f.get(id);
        assertThat(j.state()).isEqualTo(JobState.SCHEDULED);
        assertThat(j.runAt()).isEqualTo(at);
        assertThat(j.history()).singleElement().satisfies(t -> {
            assertThat(t.to()).isEqualTo(JobState.SCHEDULED);
            assertThat(t.reason()).isEqualTo("enqueued");
        });
    }

    @Test
    void aJobWithARunTimeInThePastIsAvailableWithItsRunTimeMovedToNow() {
        f.clock.advance(Duration.ofHours(1));
        UUID id = f.enqueue(f.job("q", 5, f.clock.instant().minusSeconds(60), 3, null));
        assertThat(f.get(id).state()).isEqualTo(JobState.AVAILABLE);
        assertThat(f.get(id).runAt()).isEqualTo(f.clock.instant());
    }

    @Test
    void aBatchGivesOneResultPerJobInOrder() {
        List<NewJob> batch = List.of(f.job("q"), f.job("r"), f.job("q", 5, f.clock.instant().plusSeconds(5), 3, null));
        List<Enqueued> out = f.store.enqueue(batch);
        assertThat(out).extracting(e -> e.job().id()).containsExactly(batch.get(0).id(), batch.get(1).id(),
                batch.get(2).id());
        assertThat(out).extracting(e -> e.job().state())
                .containsExactly(JobState.AVAILABLE, JobState.AVAILABLE, JobState.SCHEDULED);
        assertThat(out).noneMatch(Enqueued::replayed);
    }

    @Test
    void aBatchWithAnIdTwiceStoresNothing() {
        NewJob twice = f.job("q");
        assertThatThrownBy(() -> f.store.enqueue(List.of(f.job("q"), twice, f.job("q"), twice)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(twice.id().toString());
        assertThat(f.store.counts()).isEmpty();
    }

    @Test
    void aBatchWithTheIdOfAStoredJobStoresNothingMore() {
        NewJob stored = f.job("q");
        f.enqueue(stored);
        NewJob fresh = f.job("q");
        assertThatThrownBy(() -> f.store.enqueue(List.of(fresh, stored))).isInstanceOf(IllegalArgumentException.class);
        assertThat(f.store.get(fresh.id())).isEmpty();
        assertThat(f.store.counts()).singleElement().satisfies(c -> assertThat(c.count(JobState.AVAILABLE)).isEqualTo(1));
    }

    @Test
    void aBatchWithAnInvalidJobStoresNothing() {
        NewJob fresh = f.job("q");
        NewJob noAttempts = f.job("q", 5, null, 0, null);
        assertThatThrownBy(() -> f.store.enqueue(List.of(fresh, noAttempts)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxAttempts");
        assertThat(f.store.get(fresh.id())).isEmpty();
        assertThat(f.store.counts()).isEmpty();
    }

    @Test
    void anIdempotencyKeyThatIsTakenReturnsTheExistingJobAndInsertsNothing() {
        UUID first = f.enqueue(f.job("q", 5, null, 3, "k"));
        NewJob again = f.job("q", 1, null, 9, "k");
        Enqueued e = f.store.enqueue(List.of(again)).get(0);
        assertThat(e.replayed()).isTrue();
        assertThat(e.job().id()).isEqualTo(first);
        assertThat(e.job().priority()).as("the stored job, not the new request").isEqualTo(5);
        assertThat(f.store.get(again.id())).isEmpty();
        assertThat(f.reasons(first)).containsExactly("enqueued");
    }

    @Test
    void anIdempotencyKeyIsHeldInEveryStateUntilTheJobIsPruned() {
        UUID id = f.enqueue(f.job("q", 5, null, 1, "k"));
        Claim c = f.claimOne("q", "n1");
        assertThat(f.store.enqueue(List.of(f.job("q", 5, null, 1, "k"))).get(0).job().id()).as("running").isEqualTo(id);
        f.complete(new Outcome.Succeeded(lease(c), null));
        assertThat(f.store.enqueue(List.of(f.job("q", 5, null, 1, "k"))).get(0).job().id()).as("completed").isEqualTo(id);

        f.clock.advance(Duration.ofMillis(1));
        assertThat(f.store.prune(f.clock.instant(), 10)).isEqualTo(1);
        Enqueued afterPrune = f.store.enqueue(List.of(f.job("q", 5, null, 1, "k"))).get(0);
        assertThat(afterPrune.replayed()).isFalse();
        assertThat(afterPrune.job().id()).isNotEqualTo(id);
    }

    @Test
    void theSecondJobWithAKeyInOneBatchIsAReplayOfTheFirst() {
        List<Enqueued> out = f.store.enqueue(List.of(f.job("q", 5, null, 3, "k"), f.job("q", 5, null, 3, "other"),
                f.job("q", 5, null, 3, "k")));
        assertThat(out).extracting(Enqueued::replayed).containsExactly(false, false, true);
        assertThat(out.get(2).job().id()).isEqualTo(out.get(0).job().id());
        assertThat(f.store.counts()).singleElement().satisfies(c -> assertThat(c.count(JobState.AVAILABLE)).isEqualTo(2));
    }

    @Test
    void idempotencyKeysCompareExactlyByCaseAndTrailingSpaces() {
        List<String> keys = List.of("k", "k ", "K", "k  ", " k", "k\t");
        List<Enqueued> out = f.store.enqueue(keys.stream().map(k -> f.job("q", 5, null, 3, k)).toList());
        assertThat(out).extracting(Enqueued::replayed).as("every key is its own").containsOnly(false);
        assertThat(out).extracting(e -> e.job().idempotencyKey()).containsExactlyElementsOf(keys);
        Enqueued again = f.store.enqueue(List.of(f.job("q", 5, null, 3, "k "))).get(0);
        assertThat(again.replayed()).isTrue();
        assertThat(again.job().id()).isEqualTo(out.get(1).job().id());
    }

    @Test
    void anIdempotencyKeyIsPerQueue() {
        UUID inQ = f.enqueue(f.job("q", 5, null, 3, "k"));
        Enqueued inR = f.store.enqueue(List.of(f.job("r", 5, null, 3, "k"))).get(0);
        assertThat(inR.replayed()).isFalse();
        assertThat(inR.job().id()).isNotEqualTo(inQ);
    }
}
