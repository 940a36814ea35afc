package io.bulwark.scheduler.store;

import io.bulwark.scheduler.Firing;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The argument checks every {@link ScheduleStore} makes before it touches anything, shared so that
 * each store refuses the same calls with the same message, naming the argument and its value.
 */
public final class StoreArguments {

    private StoreArguments() {
    }

    /**
     * @throws IllegalArgumentException unless {@code source} is {@link ScheduleRow#CONFIG} or {@link ScheduleRow#API}
     */
    public static void requireSource(String source) {
        if (!ScheduleRow.CONFIG.equals(source) && !ScheduleRow.API.equals(source)) {
            throw new IllegalArgumentException("source must be '" + ScheduleRow.CONFIG + "' or '" + ScheduleRow.API
                    + "' but was " + (source == null ? "null" : "'" + source + "'"));
        }
    }

    /**
     * The firings of one {@link ScheduleStore#advance}: each of schedule {@code name}, no two at one tick.
     *
     * @throws IllegalArgumentException naming the firing that breaks this
     */
    public static void requireFiringsOf(String name, List<Firing> firings) {
        Objects.requireNonNull(name, "name must be set");
        Objects.requireNonNull(firings, "firings must be set");
        Set<Instant> ticks = new HashSet<>();
        for (Firing f : firings) {
            Objects.requireNonNull(f, "firings must not hold null");
            if (!f.schedule().equals(name)) {
                throw new IllegalArgumentException("firings must all be of schedule '" + name + "' but one at "
                        + f.tick() + " is of '" + f.schedule() + "'");
            }
            if (!ticks.add(f.tick())) {
                throw new IllegalArgumentException("firings must be at distinct ticks but " + f.tick()
                        + " is named twice");
            }
        }
    }

    /** @throws IllegalArgumentException when {@code limit} is negative */
    public static void requireLimit(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0 but was " + limit);
        }
    }
}
