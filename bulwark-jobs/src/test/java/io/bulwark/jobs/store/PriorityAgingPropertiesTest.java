package io.bulwark.jobs.store;

import io.bulwark.core.ids.Uuid7;
import io.bulwark.core.time.SettableClock;
import io.bulwark.jobs.Backoff;
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

    private static final Duration AGING = Duration.ofSeconds(10);
    private static final Duration TICK = Duration.ofSeconds(1);

    /**
     * Any arrival pattern of priority-0 jobs (arrivals per one-second tick), one claim per tick:
     * a priority-9 job enqueued at the start is claimed once the clock has passed 9 aging steps
     * plus one tick per job that was ahead of it when its key came due.
     */
    @Property(tries = 60)
    void aLowPriorityJobIsNeverStarvedByAFloodOfHighPriorityJobs(
            @ForAll @Size(min = 1, max = 200) List<@IntRange(min = 0, max = 5) Integer> arrivalsPerTick) {
        SettableClock clock = SettableClock.at(Instant.parse("2026-01-01T00:00:00Z"));
        InMemoryJobStore store = new InMemoryJobStore(clock, AGING);
        Uuid7 ids = new Uuid7(clock, new SplittableRandom(1));
        UUID low = enqueue(store, ids, 9);
        Instant start = clock.instant();
        Instant due = start.plus(AGING.multipliedBy(9));
        int aheadWhenDue = 0;
        int tick = 0;
        while (true) {
            int arrivals = tick < arrivalsPerTick.size() ? arrivalsPerTick.get(tick) : 5;
            for (int i = 0; i < arrivals; i++) {
                enqueue(store, ids, 0);
                if (!clock.instant().isAfter(due)) {
                    aheadWhenDue++;
                }
            }
            List<Claim> claimed = store.claim("q", "n", 1, Duration.ofMinutes(5));
            if (!claimed.isEmpty() && claimed.get(0).job().id().equals(low)) {
                break;
            }
            clock.advance(TICK);
            tick++;
            Instant bound = due.plus(TICK.multipliedBy(aheadWhenDue + 1L));
            assertThat(clock.instant()).as("priority-9 job still waiting at tick %d", tick).isBefore(bound.plus(TICK));
        }
    }

    /** Among jobs that arrive together, a higher priority is always claimed first. */
    @Property(tries = 100)
    void jobsThatArriveTogetherAreClaimedByPriority(@ForAll @Size(min = 2, max = 30) List<@IntRange(min = 0, max = 9) Integer> priorities) {
        SettableClock clock = SettableClock.at(Instant.parse("2026-01-01T00:00:00Z"));
        InMemoryJobStore store = new InMemoryJobStore(clock, AGING);
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
