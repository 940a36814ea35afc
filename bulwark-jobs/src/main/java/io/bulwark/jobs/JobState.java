package io.bulwark.jobs;

import java.util.Locale;

/**
 * Where a job is in its life. {@code scheduled → available → running → completed | retryable →
 * available … | dead | cancelled}; a waiting job (scheduled, available or retryable) whose
 * {@link Job#expiresAt()} passes ends {@code expired}.
 */
public enum JobState {
    /** Waiting for its run time. */
    SCHEDULED,
    /** Ready to be claimed by a worker. */
    AVAILABLE,
    /** Claimed: a worker holds its lease. */
    RUNNING,
    /** Failed an attempt; waiting for its backoff to pass. */
    RETRYABLE,
    /** Finished with a result. */
    COMPLETED,
    /** Out of attempts, or failed in a way that retrying cannot fix: the dead-letter queue. */
    DEAD,
    /** Cancelled; never retried. */
    CANCELLED,
    /** Waited past its {@link Job#expiresAt()} without starting (or before its next attempt); never run again on its own. */
    EXPIRED;

    /** True for states a job never leaves on its own. */
    public boolean isFinal() {
        return this == COMPLETED || this == DEAD || this == CANCELLED || this == EXPIRED;
    }

    /** The lower-case name used in the API. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a state name, case-insensitively.
     *
     * @throws IllegalArgumentException naming the allowed states
     */
    public static JobState parse(String text) {
        for (JobState s : values()) {
            if (s.id().equalsIgnoreCase(text == null ? "" : text.trim())) {
                return s;
            }
        }
        throw new IllegalArgumentException("state must be one of " + String.join(", ",
                java.util.Arrays.stream(values()).map(JobState::id).toList()) + " but was '" + text + "'");
    }
}
