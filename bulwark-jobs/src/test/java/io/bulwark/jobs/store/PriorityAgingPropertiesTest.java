package io.bulwark.jobs.store;

import io.bulwark.core.ids.Uuid7;
import io.bulwark.core.time.SettableClock;
import io.bulwark.resilience.retry.Backoff;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Priorities order claims, but no flood of high-priority jobs starves a low-priority one. */
class PriorityAgingPropertiesTest {

    private static final Duration TICK = Duration.ofSeconds(1);
    /** Arrivals per tick once the generated pattern ends: more than the one claim per tick, forever. */
    private static final int FLOOD = 4;

    /**
     * Priority-0 jobs arrive in any pattern (a count per tick, then a flood that never ends); one
     * priority-9 job arrives at some tick; one job is claimed per tick. The priority-9 job's claim
     * key is its enqueue time + 9 aging steps, so only jobs enqueued before that point can go
     * ahead of it, and they leave at one per tick: it is claimed by the time the clock passes
     * {@code enqueuedAt + 9 × agingStep + (jobs enqueued before that point) × tick}.
     */
    @Property(tries = 100)
    void aLowPriorityJobIsClaimedWithinNineAgingStepsPlusOneTickPerJobAheadOfIt(
            @ForAll @Size(min = 1, max = 150) List<@IntRange(min = 0, max = FLOOD) Integer> arrivalsPerTick,
            @ForAll @IntRange(min = 0, max = 50) int lowArrivesAtTick,
            @ForAll @IntRange(min = 1, max = 15) int agingTicks) {
        Duration agingStep = TICK.multipliedBy(agingTicks);
        SettableClock clock = SettableClock.at(Instant.parse("2026-01-01T00:00:00Z"));
        InMemoryJobStore store = new InMemoryJobStore(clock, agingStep);
        Uuid7 ids = new Uuid7(clock, new SplittableRandom(1));
        List<Instant> highArrivals = new ArrayList<>();
        UUID low = null;
        Instant lowAt = null;

        for (int tick = 0; ; tick++) {
            int arrivals = tick < arrivalsPerTick.size() ? arrivalsPerTick.get(tick) : FLOOD;
            for (int i = 0; i < arrivals; i++) {
                enqueue(store, ids, 0);
                highArrivals.add(clock.instant());
            }
            if (tick == lowArrivesAtTick) {
                low = enqueue(store, ids, 9);
                lowAt = clock.instant();
            }
            List<Claim> claimed = store.claim("q", "n", 1, Duration.ofHours(1));
            if (low != null && !claimed.isEmpty() && claimed.get(0).job().id().equals(low)) {
                break;
            }
            clock.advance(TICK);
            if (lowAt != null) {
                // Counted so far; final once the clock is past the key, and until then the clock is under the bound.
                Instant key = lowAt.plus(agingStep.multipliedBy(9));
                long ahead = highArrivals.stream().filter(t -> t.isBefore(key)).count();
                Instant bound = key.plus(TICK.multipliedBy(ahead));
                assertThat(clock.instant()).as("priority-9 job enqueued at %s, %d jobs ahead", lowAt, ahead)
                        .isBeforeOrEqualTo(bound);
            }
        }
    }

    /** Among jobs that arrive together, a higher priority is always claimed first. */
    @Property(tries = 100)
    void jobsThatArriveTogetherAreClaimedByPriority(
            @ForAll @Size(min = 2, max = 30) List<@IntRange(min = 0, max = 9) Integer> priorities) {
        SettableClock clock = SettableClock.at(Instant.parse("2026-01-01T00:00:00Z"));
        InMemoryJobStore store = new InMemoryJobStore(clock, Duration.ofSeconds(10));
        Uuid7 ids = new Uuid7(clock, new SplittableRandom(2));
        priorities.forEach(p -> enqueue(store, ids, p));
        List<Integer> order = new ArrayList<>();
        for (Claim c : store.claim("q", "n", priorities.size(), Duration.ofMinutes(5))) {
            order.add(c.job().priority());
        }
        assertThat(order).isSorted().hasSize(priorities.size());
    }

    private static UUID enqueue(InMemoryJobStore store, Uuid7 ids, int priority) {
        UUID id = ids.next();
        store.enqueue(List.of(new NewJob(id, "q", "t", "{}", priority, null, 3, Backoff.DEFAULT, Duration.ofMinutes(1),
                null, Set.of())));
        return id;
    }
}
