package io.bulwark.jobs.store;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The argument checks of {@link InMemoryJobStore}, worded as the SQLite store words them, so that a
 * caller's mistake reads the same whichever store it hits.
 */
final class StoreArguments {

    private StoreArguments() {
    }

    /**
     * Checks a batch before anything is stored: each job is there, has an id, a queue, a type and
     * at least one attempt, and no id appears twice.
     *
     * @throws IllegalArgumentException naming the job and the problem
     */
    static void requireValidBatch(List<NewJob> batch) {
        Set<UUID> ids = new HashSet<>();
        for (int i = 0; i < batch.size(); i++) {
            NewJob n = batch.get(i);
            require(n != null, "job " + i + " of the batch is null; nothing was enqueued");
            require(n.id() != null, "job " + i + " of the batch has no id; nothing was enqueued");
            require(n.queue() != null && !n.queue().isBlank(), "job " + n.id() + " has no queue; nothing was enqueued");
            require(n.type() != null && !n.type().isBlank(), "job " + n.id() + " has no type; nothing was enqueued");
            require(n.maxAttempts() >= 1, "maxAttempts of job " + n.id() + " must be >= 1 but was " + n.maxAttempts()
                    + "; nothing was enqueued");
            require(ids.add(n.id()), "the batch holds job id " + n.id() + " twice; nothing was enqueued");
        }
    }

    /** @throws IllegalArgumentException when {@code d} is null, zero or negative */
    static void requirePositive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be > 0 but was " + d);
        }
    }

    private static void require(boolean ok, String problem) {
        if (!ok) {
            throw new IllegalArgumentException(problem);
        }
    }
}
