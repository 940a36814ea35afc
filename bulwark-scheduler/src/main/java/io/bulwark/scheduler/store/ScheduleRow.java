package io.bulwark.scheduler.store;

import io.bulwark.scheduler.Schedule;

import java.time.Instant;
import java.util.Objects;

/**
 * A schedule as the store keeps it.
 *
 * @param schedule the definition
 * @param source {@code config} (declared in the config file, rewritten at each start) or {@code api}
 *        (created or changed at runtime; wins over the config file until deleted)
 * @param nextAt the first tick not yet handled, or null when the schedule has ended
 * @param version grows by one at each save, so a leader's pass over an old version changes nothing
 * @param createdAt by the store's clock
 * @param updatedAt by the store's clock
 */
public record ScheduleRow(Schedule schedule, String source, Instant nextAt, long version, Instant createdAt,
                          Instant updatedAt) {

    /** Written from the config file. */
    public static final String CONFIG = "config";
    /** Written over the API or the library. */
    public static final String API = "api";

    public ScheduleRow {
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    /** The schedule's name. */
    public String name() {
        return schedule.name();
    }
}
