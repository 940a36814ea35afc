package io.bulwark.jobs.store;

import io.bulwark.core.time.SettableClock;
import io.bulwark.jobs.JobState;
import io.bulwark.resilience.retry.Backoff;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the in-memory store does with arguments the contract suite leaves alone; it answers as the
 * SQLite store does, so a test written against one behaves the same against the other.
 */
class InMemoryJobStoreArgumentsTest {

    private final SettableClock clock = SettableClock.at(Instant.parse("2026-01-01T00:00:00Z"));
    private final InMemoryJobStore store = new InMemoryJobStore(clock);

    @Test
    void anAgingStepOrLeaseThatIsNotPositiveIsRefusedNamingIt() {
        assertThatThrownBy(() -> new InMemoryJobStore(clock, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("agingStep must be > 0 but was PT0S");
        assertThatThrownBy(() -> store.claim("q", "n", 1, Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lease must be > 0");
        assertThatThrownBy(() -> store.renew(List.of(), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lease must be > 0");
    }

    @Test
    void aBatchWithAMissingFieldIsRefusedWholeNamingTheJob() {
        NewJob fine = job("q");
        NewJob noQueue = new NewJob(UUID.randomUUID(), " ", "t", "{}", 5, null, 3, Backoff.DEFAULT, null, null, Set.of());
        assertThatThrownBy(() -> store.enqueue(List.of(fine, noQueue)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(noQueue.id() + " has no queue");
        assertThatThrownBy(() -> store.enqueue(Arrays.asList(fine, null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("job 1 of the batch is null");
        assertThat(store.counts()).isEmpty();
    }

    @Test
    void aNegativeMaxOrLimitFindsNothingToDo() {
        store.enqueue(List.of(job("q")));
        assertThat(store.claim("q", "n", -3, Duration.ofSeconds(30))).isEmpty();
        assertThat(store.rescueExpired("n", -1)).isEmpty();
        assertThat(store.prune(clock.instant().plusSeconds(1), -1)).isZero();
    }

    @Test
    void aFailureWithoutARetryDelayIsDueAtOnce() {
        store.enqueue(List.of(job("q")));
        Claim c = store.claim("q", "n", 1, Duration.ofSeconds(30)).get(0);
        store.complete(List.of(new Outcome.Failed(new Lease(c.job().id(), c.token()), "error", "x", true, null)));
        assertThat(store.get(c.job().id()).orElseThrow().runAt()).isEqualTo(clock.instant());
        assertThat(store.claim("q", "n", 1, Duration.ofSeconds(30))).singleElement()
                .satisfies(again -> assertThat(again.job().state()).isEqualTo(JobState.RUNNING));
    }

    @Test
    void retryDeadWithNoIdsRetriesTheWholeQueue() {
        store.enqueue(List.of(new NewJob(UUID.randomUUID(), "q", "t", "{}", 5, null, 1, Backoff.DEFAULT, null, null,
                Set.of())));
        Claim c = store.claim("q", "n", 1, Duration.ofSeconds(30)).get(0);
        store.complete(List.of(new Outcome.Failed(new Lease(c.job().id(), c.token()), "error", "x", false, null)));
        assertThat(store.retryDead("q", null)).isEqualTo(1);
    }

    private static NewJob job(String queue) {
        return new NewJob(UUID.randomUUID(), queue, "t", "{}", 5, null, 3, Backoff.DEFAULT, Duration.ofMinutes(1), null,
                Set.of());
    }
}
