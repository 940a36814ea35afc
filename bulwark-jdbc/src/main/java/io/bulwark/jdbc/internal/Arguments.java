package io.bulwark.jdbc.internal;

import io.bulwark.jobs.store.NewJob;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** The argument checks every JDBC store makes before it touches its database, worded alike. */
public final class Arguments {

    private Arguments() {
    }

    /**
     * Checks a batch before it reaches a store: required fields, and no id twice.
     *
     * @throws IllegalArgumentException naming the job and the problem
     */
    public static void validateBatch(List<NewJob> jobs) {
        Set<UUID> ids = new HashSet<>(jobs.size() * 2);
        for (int i = 0; i < jobs.size(); i++) {
            NewJob j = jobs.get(i);
            if (j == null) {
                throw new IllegalArgumentException("job " + i + " of the batch is null");
            }
            require(j.id() != null, "job " + i + " of the batch has no id");
            require(j.queue() != null && !j.queue().isBlank(), "job " + j.id() + " has no queue");
            require(j.type() != null && !j.type().isBlank(), "job " + j.id() + " has no type");
            require(j.maxAttempts() >= 1, "maxAttempts of job " + j.id() + " must be >= 1 but was " + j.maxAttempts());
            if (!ids.add(j.id())) {
                throw new IllegalArgumentException("the batch holds job id " + j.id() + " twice; nothing was enqueued");
            }
        }
    }

    private static void require(boolean ok, String problem) {
        if (!ok) {
            throw new IllegalArgumentException(problem);
        }
    }

    /** @throws IllegalArgumentException when {@code d} is null, zero or negative */
    public static void requirePositive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be > 0 but was " + d);
        }
    }
}
