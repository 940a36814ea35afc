package io.bulwark.server.internal.schedules;

import io.bulwark.scheduler.Scheduler;
import io.bulwark.scheduler.store.ScheduleRow;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;

/**
 * How many schedules are active and paused, for the {@code bulwark_scheduler_schedules} gauge
 * and the health check. Read from the store at most once a second, so scrapes of both gauges
 * (and a health check) cost one query.
 */
final class ScheduleCounts {

    private static final Duration FRESH = Duration.ofSeconds(1);

    private record Snapshot(Instant at, Map<String, Long> counts) {
    }

    private final Scheduler scheduler;
    private final InstantSource clock;
    private volatile Snapshot last;

    ScheduleCounts(Scheduler scheduler, InstantSource clock) {
        this.scheduler = scheduler;
        this.clock = clock;
    }

    /** The count of {@code state} ({@code active} or {@code paused}), at most a second old; NaN when the store fails. */
    double get(String state) {
        try {
            Snapshot s = last;
            Map<String, Long> counts = s != null && Duration.between(s.at(), clock.instant()).compareTo(FRESH) < 0
                    ? s.counts() : refresh();
            return counts.getOrDefault(state, 0L);
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    /** Counts now. */
    Map<String, Long> refresh() {
        long paused = 0;
        long active = 0;
        for (ScheduleRow row : scheduler.list()) {
            if (row.schedule().paused()) {
                paused++;
            } else {
                active++;
            }
        }
        Map<String, Long> counts = Map.of("active", active, "paused", paused);
        last = new Snapshot(clock.instant(), counts);
        return counts;
    }
}
