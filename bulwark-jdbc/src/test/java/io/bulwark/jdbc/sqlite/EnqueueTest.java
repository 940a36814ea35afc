package io.bulwark.jdbc.sqlite;

import io.bulwark.jobs.Job;
import io.bulwark.jobs.JobState;
import io.bulwark.jobs.Transition;
import io.bulwark.jobs.store.Enqueued;
import io.bulwark.jobs.store.NewJob;
import io.bulwark.resilience.retry.Backoff;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static io.bulwark.jdbc.sqlite.StoreFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EnqueueTest {

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
    void aJobWithoutRunAtIsAvailableNowWithItsFirstTransition() {
        Job job = f.enqueue(f.job());

        assertThat(job.state()).isEqualTo(JobState.AVAILABLE);
        assertThat(job.runAt()).isEqualTo(T0);
        assertThat(job.createdAt()).isEqualTo(T0);
        assertThat(job.attempt()).isZero();
        assertThat(job.startedAt()).isNull();
        assertThat(job.finishedAt()).isNull();
        assertThat(job.history()).as("enqueue answers without history").isEmpty();
        Job stored = f.get(job.id());
        assertThat(stored.history()).containsExactly(new Transition(T0, null, JobState.AVAILABLE, "enqueued", null, 0));
        assertThat(stored.withHistory(List.of())).isEqualTo(job);
    }

    @Test
    void aRunAtInThePastMeansNow() {
        Job job = f.enqueue(f.job().runAt(T0.minus(Duration.ofHours(1))));

        assertThat(job.state()).isEqualTo(JobState.AVAILABLE);
        assertThat(job.runAt()).isEqualTo(T0);
    }

    @Test
    void aRunAtInTheFutureIsScheduled() {
        Instant later = T0.plusSeconds(90);
        Job job = f.enqueue(f.job().runAt(later));

        assertThat(job.state()).isEqualTo(JobState.SCHEDULED);
        assertThat(job.runAt()).isEqualTo(later);
        assertThat(f.get(job.id()).history()).extracting(Transition::to).containsExactly(JobState.SCHEDULED);
        assertThat(f.get(job.id()).withHistory(List.of())).isEqualTo(job);
    }

    @Test
    void everyFieldReadsBackAsWritten() {
        Backoff backoff = Backoff.of(Duration.ofMillis(250), 3.5, Duration.ofMinutes(7));
        NewJob in = f.job().queue("mail").type("send").payload("{\"to\":\"a@b.c\",\"n\":[1,2]}").priority(2)
                .maxAttempts(9).backoff(backoff).timeout(Duration.ofSeconds(45)).key("order-17").tags("x", "y")
                .build();

        Job job = f.store.enqueue(List.of(in)).getFirst().job();
        Job stored = f.get(in.id());

        assertThat(stored.withHistory(List.of())).isEqualTo(job);
        assertThat(stored.queue()).isEqualTo("mail");
        assertThat(stored.type()).isEqualTo("send");
        assertThat(stored.payload()).isEqualTo("{\"to\":\"a@b.c\",\"n\":[1,2]}");
        assertThat(stored.priority()).isEqualTo(2);
        assertThat(stored.maxAttempts()).isEqualTo(9);
        assertThat(stored.backoff()).isEqualTo(backoff);
        assertThat(stored.timeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(stored.idempotencyKey()).isEqualTo("order-17");
        assertThat(stored.tags()).isEqualTo(Set.of("x", "y"));
        assertThat(stored.result()).isNull();
        assertThat(stored.lastError()).isNull();
    }

    @Test
    void aBatchIsStoredInOrderAndAnsweredInOrder() {
        List<NewJob> batch = List.of(f.job().build(), f.job().runAt(T0.plusSeconds(5)).build(), f.job().build());

        List<Enqueued> out = f.store.enqueue(batch);

        assertThat(out).extracting(e -> e.job().id()).containsExactly(batch.get(0).id(), batch.get(1).id(),
                batch.get(2).id());
        assertThat(out).extracting(Enqueued::replayed).containsOnly(false);
        assertThat(out).extracting(e -> e.job().state())
                .containsExactly(JobState.AVAILABLE, JobState.SCHEDULED, JobState.AVAILABLE);
    }

    @Test
    void anEmptyBatchStoresNothing() {
        assertThat(f.store.enqueue(List.of())).isEmpty();
    }

    @Test
    void aKnownIdempotencyKeyReturnsTheExistingJobAsAReplay() {
        Job first = f.enqueue(f.job().key("k1"));
        f.clock.advance(Duration.ofSeconds(3));

        Enqueued again = f.store.enqueue(List.of(f.job().key("k1").payload("{\"other\":true}").build())).getFirst();

        assertThat(again.replayed()).isTrue();
        assertThat(again.job()).isEqualTo(first);
        assertThat(f.scalar("SELECT count(*) FROM jobs")).isEqualTo(1);
    }

    @Test
    void theKeyOfAFinishedJobStillReplays() {
        Job first = f.enqueue(f.job().key("k1"));
        f.store.cancel(first.id(), "not needed");

        Enqueued again = f.store.enqueue(List.of(f.job().key("k1").build())).getFirst();

        assertThat(again.replayed()).isTrue();
        assertThat(again.job().id()).isEqualTo(first.id());
        assertThat(again.job().state()).isEqualTo(JobState.CANCELLED);
    }

    @Test
    void theSameKeyTwiceInOneBatchMakesTheSecondAReplayOfTheFirst() {
        NewJob a = f.job().key("dup").build();
        NewJob b = f.job().key("dup").build();

        List<Enqueued> out = f.store.enqueue(List.of(a, b));

        assertThat(out.get(0).replayed()).isFalse();
        assertThat(out.get(1).replayed()).isTrue();
        assertThat(out.get(1).job().id()).isEqualTo(a.id());
        assertThat(f.store.get(b.id())).isEmpty();
    }

    @Test
    void keysAreUniquePerQueue() {
        Job a = f.enqueue(f.job().queue("a").key("k"));
        Enqueued b = f.store.enqueue(List.of(f.job().queue("b").key("k").build())).getFirst();

        assertThat(b.replayed()).isFalse();
        assertThat(b.job().id()).isNotEqualTo(a.id());
    }

    @Test
    void aBatchWithAnIdTwiceIsRefusedAndStoresNothing() {
        NewJob a = f.job().build();
        NewJob other = f.job().build();

        assertThatThrownBy(() -> f.store.enqueue(List.of(a, other, a)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(a.id().toString());
        assertThat(f.scalar("SELECT count(*) FROM jobs")).isZero();
    }

    @Test
    void aBatchWithAnIdAlreadyStoredIsRefusedAndStoresNothing() {
        Job existing = f.enqueue(f.job());
        NewJob fresh = f.job().build();
        NewJob clash = new NewJob(existing.id(), "q", "test", null, 5, null, 3, Backoff.DEFAULT,
                Duration.ofMinutes(1), null, Set.of());

        assertThatThrownBy(() -> f.store.enqueue(List.of(fresh, clash)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already exists").hasMessageContaining(existing.id().toString());
        assertThat(f.store.get(fresh.id())).isEmpty();
        assertThat(f.scalar("SELECT count(*) FROM job_history")).isEqualTo(1);
    }

    @Test
    void theSameNewJobTwiceIsRefusedEvenThoughItsKeyMatches() {
        NewJob job = f.job().key("k").build();
        f.store.enqueue(List.of(job));

        assertThatThrownBy(() -> f.store.enqueue(List.of(job))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already exists");
    }

    @Test
    void aPrunedJobFreesItsKey() {
        Job first = f.enqueue(f.job().key("k"));
        f.store.cancel(first.id(), "x");
        f.clock.advance(Duration.ofMinutes(1));
        assertThat(f.store.prune(f.store.now(), 10)).isEqualTo(1);

        Enqueued again = f.store.enqueue(List.of(f.job().key("k").build())).getFirst();

        assertThat(again.replayed()).isFalse();
        assertThat(again.job().id()).isNotEqualTo(first.id());
    }

    @Test
    void timesAreKeptInWholeMilliseconds() {
        f.clock.advance(Duration.ofNanos(1_234_567));
        Job job = f.enqueue(f.job());

        assertThat(f.store.now()).isEqualTo(T0.plusMillis(1));
        assertThat(job.createdAt()).isEqualTo(T0.plusMillis(1));
        assertThat(f.get(job.id()).withHistory(List.of())).isEqualTo(job);
    }
}
