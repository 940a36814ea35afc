package io.bulwark.jobs.store;

import java.time.Duration;
import java.util.UUID;

/**
 * How an attempt ended. Each carries the lease it ends; the store applies it only when the
 * lease's token is still current.
 */
public sealed interface Outcome {

    Lease lease();

    /** The handler returned; {@code result} is JSON or null. */
    record Succeeded(Lease lease, String result) implements Outcome {
    }

    /**
     * The handler failed. The job is retried after {@code retryDelay} unless it is out of
     * attempts or {@code retryable} is false, in which case it is dead.
     *
     * @param reason a short label for history: {@code error}, {@code timeout}
     * @param error the message kept as the job's last error
     */
    record Failed(Lease lease, String reason, String error, boolean retryable, Duration retryDelay) implements Outcome {
    }

    /** The attempt was cancelled; the job ends cancelled and is never retried. */
    record Cancelled(Lease lease, String reason) implements Outcome {
    }

    /**
     * The worker gives the job back unfinished (graceful drain): it is available again at once and
     * the attempt does not count against {@code maxAttempts}.
     */
    record Released(Lease lease, String reason) implements Outcome {
    }

    static Lease lease(UUID id, long token) {
        return new Lease(id, token);
    }
}
