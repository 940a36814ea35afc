package io.bulwark.scheduler;

import java.time.Instant;
import java.util.Objects;

/**
 * One tick of a schedule and what became of it; kept in the store under the unique key
 * {@code (schedule, tick)}, so a tick is recorded (and fired) once however many leaders try.
 *
 * @param schedule the schedule's name
 * @param tick the instant the cron named (for a trigger, when it was asked)
 * @param state what became of it
 * @param ref what it started: a job id or a pipeline run id; null unless fired or triggered
 * @param count how many ticks this record stands for: 1, or the number missed for {@link FiringState#MISFIRED}
 * @param at when it was recorded, by the store's clock
 * @param reason why, for people (e.g. "previous run 0192... still running")
 */
public record Firing(String schedule, Instant tick, FiringState state, String ref, int count, Instant at, String reason) {

    public Firing {
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(tick, "tick");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(at, "at");
        if (count < 1) {
            throw new IllegalArgumentException("count must be >= 1 but was " + count);
        }
    }

    /** How late it was recorded after its tick (never negative). */
    public java.time.Duration lag() {
        return at.isBefore(tick) ? java.time.Duration.ZERO : java.time.Duration.between(tick, at);
    }

    /** This firing fired with {@code ref} at {@code at} (a queued firing released). */
    public Firing fired(String ref, Instant at) {
        return new Firing(schedule, tick, FiringState.FIRED, ref, 1, at, reason);
    }
}
