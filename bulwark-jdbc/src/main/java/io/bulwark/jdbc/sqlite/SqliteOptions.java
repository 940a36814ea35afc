package io.bulwark.jdbc.sqlite;

import io.bulwark.jdbc.internal.Arguments;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;

/**
 * How an embedded SQLite job store runs. Immutable; build one with {@link #builder()}.
 *
 * <pre>{@code
 * SqliteOptions options = SqliteOptions.builder()
 *         .durability(Durability.FULL)
 *         .threadFactory(Thread.ofPlatform().name("jobs-db-", 0).factory())
 *         .build();
 * }</pre>
 *
 * @param agingStep how long a waiting job takes to gain one priority level (claim order is
 *                  {@code runAt + priority × agingStep})
 * @param durability when commits reach the disk
 * @param busyTimeout how long a connection waits for a lock held by another process
 * @param maxBatch most write operations that share one transaction and one commit (group commit)
 * @param writeQueueCapacity most write operations waiting for the writer; callers beyond it block
 * @param readConnections size of the pool of read-only connections
 * @param threadFactory makes every thread the store starts: its single writer (a platform thread,
 *                      since JDBC calls into native code) and the read pool's housekeeping threads
 */
public record SqliteOptions(Duration agingStep, Durability durability, Duration busyTimeout, int maxBatch,
                            int writeQueueCapacity, int readConnections, ThreadFactory threadFactory) {

    public SqliteOptions {
        Arguments.requirePositive("agingStep", agingStep);
        Objects.requireNonNull(durability, "durability must be set");
        Arguments.requirePositive("busyTimeout", busyTimeout);
        requireAtLeast("maxBatch", maxBatch, 1);
        requireAtLeast("writeQueueCapacity", writeQueueCapacity, 1);
        requireAtLeast("readConnections", readConnections, 1);
        Objects.requireNonNull(threadFactory, "threadFactory must be set");
    }

    /**
     * Aging step 30s, {@link Durability#FULL}, busy timeout 5s, batches of up to 256 writes, 10,000
     * waiting writes, 4 read connections, and daemon platform threads named {@code bulwark-sqlite-N}.
     */
    public static SqliteOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder that checks each value as it is set. */
    public static final class Builder {
        private Duration agingStep = Duration.ofSeconds(30);
        private Durability durability = Durability.FULL;
        private Duration busyTimeout = Duration.ofSeconds(5);
        private int maxBatch = 256;
        private int writeQueueCapacity = 10_000;
        private int readConnections = 4;
        private ThreadFactory threadFactory;

        private Builder() {
        }

        public Builder agingStep(Duration d) {
            Arguments.requirePositive("agingStep", d);
            this.agingStep = d;
            return this;
        }

        public Builder durability(Durability d) {
            this.durability = Objects.requireNonNull(d, "durability must be set");
            return this;
        }

        public Builder busyTimeout(Duration d) {
            Arguments.requirePositive("busyTimeout", d);
            this.busyTimeout = d;
            return this;
        }

        public Builder maxBatch(int n) {
            requireAtLeast("maxBatch", n, 1);
            this.maxBatch = n;
            return this;
        }

        public Builder writeQueueCapacity(int n) {
            requireAtLeast("writeQueueCapacity", n, 1);
            this.writeQueueCapacity = n;
            return this;
        }

        public Builder readConnections(int n) {
            requireAtLeast("readConnections", n, 1);
            this.readConnections = n;
            return this;
        }

        public Builder threadFactory(ThreadFactory f) {
            this.threadFactory = Objects.requireNonNull(f, "threadFactory must be set");
            return this;
        }

        public SqliteOptions build() {
            ThreadFactory threads = threadFactory != null ? threadFactory
                    : Thread.ofPlatform().name("bulwark-sqlite-", 0).daemon(true).factory();
            return new SqliteOptions(agingStep, durability, busyTimeout, maxBatch, writeQueueCapacity, readConnections,
                    threads);
        }
    }


    private static void requireAtLeast(String name, int n, int min) {
        if (n < min) {
            throw new IllegalArgumentException(name + " must be >= " + min + " but was " + n);
        }
    }
}
