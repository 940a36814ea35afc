package io.bulwark.providers.queue;

import java.time.Duration;

/**
 * A call left a group's request queue without being admitted: the queue (or the caller's share of
 * it) was full, its wait ran out, or the caller went away. The gateway answers 429 with
 * {@link #retryAfter()} as {@code Retry-After}.
 */
public final class QueueRefusedException extends RuntimeException {

    /** Why the call was refused. */
    public enum Reason {
        /** The queue holds {@code maxSize} calls. */
        FULL("queue-full"),
        /** The caller's key holds {@code maxPerKey} calls. */
        KEY_FULL("queue-full"),
        /** The call waited as long as it could. */
        TIMED_OUT("queue-timeout"),
        /** The caller went away. */
        ABANDONED("queue-abandoned");

        private final String problemType;

        Reason(String problemType) {
            this.problemType = problemType;
        }

        /** The problem type the API answers with. */
        public String problemType() {
            return problemType;
        }
    }

    private final String group;
    private final Reason reason;
    private final Duration retryAfter;

    public QueueRefusedException(String group, Reason reason, Duration retryAfter, String message) {
        super(message);
        this.group = group;
        this.reason = reason;
        this.retryAfter = retryAfter;
    }

    /** The group. */
    public String group() {
        return group;
    }

    /** Why. */
    public Reason reason() {
        return reason;
    }

    /** When trying again is likely to be admitted: estimated from the rate the queue drains. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
