package io.bulwark.jobs;

import io.bulwark.core.config.ValueType;
import io.bulwark.core.config.ValueTypes;

import java.time.Duration;
import java.time.Instant;

/**
 * The allowed range of every job and queue setting, defined once: the config keys
 * ({@code jobs.queues.*.timeout}, ...) are of these types, and the REST API checks the same
 * fields of a job or a queue with them, so a value refused at startup is refused over the API
 * with the same words, and the other way round.
 *
 * <pre>{@code
 * Duration timeout = JobLimits.TIMEOUT.convert("5m");   // throws naming the range when out of it
 * }</pre>
 */
public final class JobLimits {

    /** Jobs of a queue running at once on one node. */
    public static final ValueType<Integer> CONCURRENCY = ValueTypes.integer(1, 10_000);
    /** Jobs of a queue started per second on one node; 0 for no limit. */
    public static final ValueType<Double> RATE_PER_SECOND = ValueTypes.decimal(0, 1_000_000);
    /** Starts allowed at once under the rate limit. */
    public static final ValueType<Integer> BURST = ValueTypes.integer(1, 1_000_000);
    /** Jobs waiting or running in a queue; 0 for no limit. */
    public static final ValueType<Integer> MAX_SIZE = ValueTypes.integer(0, Integer.MAX_VALUE);
    /** 0 (highest) to 9. */
    public static final ValueType<Integer> PRIORITY = ValueTypes.integer(0, 9);
    /** Attempts in all. */
    public static final ValueType<Integer> MAX_ATTEMPTS = ValueTypes.integer(1, 1000);
    /** The time one attempt may run. */
    public static final ValueType<Duration> TIMEOUT = ValueTypes.duration(Duration.ofMillis(1), Duration.ofDays(1));
    /** The longest delay, about ten years. */
    public static final Duration MAX_DELAY = Duration.ofDays(3650);
    /** How long from now until a job may run. */
    public static final ValueType<Duration> DELAY = ValueTypes.duration(Duration.ZERO, MAX_DELAY);
    /** The shortest {@code discardAfter}. */
    public static final Duration MIN_DISCARD_AFTER = Duration.ofMillis(1);
    /** How long a job may wait once due before it ends expired (a job's or a queue's {@code discardAfter}). */
    public static final ValueType<Duration> DISCARD_AFTER = ValueTypes.duration(MIN_DISCARD_AFTER, MAX_DELAY);
    /** The earliest {@code runAt}: a time before it could not be held in epoch milliseconds by every store. */
    public static final Instant MIN_RUN_AT = Instant.parse("0000-01-01T00:00:00Z");
    /** The latest {@code runAt}. */
    public static final Instant MAX_RUN_AT = Instant.parse("9999-12-31T23:59:59.999Z");
    /** The backoff's first ceiling. */
    public static final ValueType<Duration> BACKOFF_BASE = ValueTypes.duration(Duration.ZERO, Duration.ofDays(1));
    /** The backoff's growth per failure. */
    public static final ValueType<Double> BACKOFF_FACTOR = ValueTypes.decimal(1, 100);
    /** The backoff's largest ceiling. */
    public static final ValueType<Duration> BACKOFF_CAP = ValueTypes.duration(Duration.ZERO, Duration.ofDays(7));
    /** The most distinct tags a job is given, each a {@link #isTag tag}: labels to filter by, not storage. */
    public static final int MAX_TAGS = 32;
    /** The longest tag. */
    public static final int TAG_LENGTH = 64;

    /**
     * What is wrong with {@code at} as a job's {@code runAt} or {@code expiresAt} ("must be from ...
     * to ... but was ..."), or null when it is in range.
     */
    public static String instantProblem(Instant at) {
        return at.isBefore(MIN_RUN_AT) || at.isAfter(MAX_RUN_AT)
                ? "must be from " + MIN_RUN_AT + " to " + MAX_RUN_AT + " but was " + at : null;
    }

    /** Whether {@code text} can be a tag: 1 to {@link #TAG_LENGTH} characters, not blank. */
    public static boolean isTag(String text) {
        return text != null && !text.isBlank() && text.length() <= TAG_LENGTH;
    }

    private JobLimits() {
    }
}
