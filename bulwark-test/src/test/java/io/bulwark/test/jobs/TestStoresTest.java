package io.bulwark.test.jobs;

import io.bulwark.core.time.SettableClock;
import io.bulwark.jobs.store.JobStore;
import io.bulwark.jobs.store.NewJob;
import io.bulwark.resilience.retry.Backoff;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class TestStoresTest {

    private final SettableClock clock = SettableClock.at(Instant.parse("2026-01-01T00:00:00Z"));

    @Test
    void inMemoryGivesANewEmptyStoreOnTheGivenClock() {
        JobStore first = TestStores.inMemory(clock);
        JobStore second = TestStores.inMemory(clock);
        first.enqueue(List.of(job(5)));
        assertThat(second.counts()).isEmpty();
        clock.advance(Duration.ofMinutes(3));
        assertThat(first.now()).isEqualTo(clock.instant());
    }

    @Test
    void inMemoryAgesPrioritiesByThirtySecondsAStepUnlessToldOtherwise() {
        JobStore store = TestStores.inMemory(clock);
        UUID patient = store.enqueue(List.of(job(9))).get(0).job().id();
        clock.advance(Duration.ofSeconds(30 * 9 + 1));
        store.enqueue(List.of(job(0)));
        assertThat(store.claim("q", "n", 1, Duration.ofSeconds(30))).singleElement()
                .satisfies(c -> assertThat(c.job().id()).isEqualTo(patient));

        JobStore slowAging = TestStores.inMemory(clock, Duration.ofHours(1));
        slowAging.enqueue(List.of(job(9)));
        clock.advance(Duration.ofSeconds(30 * 9 + 1));
        UUID urgent = slowAging.enqueue(List.of(job(0))).get(0).job().id();
        assertThat(slowAging.claim("q", "n", 1, Duration.ofSeconds(30))).singleElement()
                .satisfies(c -> assertThat(c.job().id()).isEqualTo(urgent));
    }

    private static NewJob job(int priority) {
        return new NewJob(UUID.randomUUID(), "q", "t", "{}", priority, null, 3, Backoff.DEFAULT, Duration.ofMinutes(1),
                null, Set.of());
    }
}
