package io.bulwark.jobs.store;

import io.bulwark.jobs.JobState;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * A filter for listing jobs, newest first. Null fields do not filter.
 *
 * @param tag only jobs carrying this tag (exactly, case-sensitive)
 * @param createdFrom only jobs created at or after this instant
 * @param createdBefore only jobs created before this instant
 * @param after the cursor: list jobs with ids before (older than) this one
 * @param limit at most this many
 */
public record JobQuery(String queue, JobState state, String type, String tag, Instant createdFrom,
                       Instant createdBefore, UUID after, int limit) {

    /**
     * How far a job's creation time (the store's clock) may be from the time in its id (the
     * enqueuing node's clock): stores narrow a time filter by id first, with this much slack, so
     * that the primary key's index serves it, then filter on the creation time exactly.
     */
    public static final Duration ID_CLOCK_SLACK = Duration.ofMinutes(5);

    public JobQuery {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1 but was " + limit);
        }
        if (createdFrom != null && createdBefore != null && !createdFrom.isBefore(createdBefore)) {
            throw new IllegalArgumentException("createdFrom (" + createdFrom + ") must be before createdBefore ("
                    + createdBefore + ")");
        }
    }

    /** A filter on queue, state and type only. */
    public JobQuery(String queue, JobState state, String type, UUID after, int limit) {
        this(queue, state, type, null, null, null, after, limit);
    }

    /** The smallest UUIDv7 whose time is {@code at} (milliseconds): ids at or above it were made at or after it. */
    public static UUID idFloor(Instant at) {
        long ms = Math.max(0, at.toEpochMilli());
        return new UUID((ms << 16) | 0x7000L, Long.MIN_VALUE);
    }

    /** The id bound below which no job created at or after {@code createdFrom} can be, with the clock slack. */
    public UUID lowestId() {
        return createdFrom == null ? null : idFloor(createdFrom.minus(ID_CLOCK_SLACK));
    }

    /** The id bound at or above which no job created before {@code createdBefore} can be, with the clock slack. */
    public UUID highestId() {
        return createdBefore == null ? null : idFloor(createdBefore.plus(ID_CLOCK_SLACK));
    }
}
