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
 * @param syncDelay under {@link Durability#FULL}, how long the worker's own writes (claims, lease
 *                  renewals, outcomes, rescues) may stay off the disk: they commit without an
 *                  fsync, survive a crash of the process, and reach the disk with the next synced
 *                  commit (any enqueue or other write) or this long after, whichever comes first.
 *                  Power loss can take back at most this much of them, and those attempts run
 *                  again, as after a crash mid-attempt. Zero syncs every commit.
 * @param busyTimeout how long a connection waits for a lock held by another process
 * @param maxBatch most write operations that share one transaction and one commit (group commit)
 * @param writeQueueCapacity most write operations waiting for the writer; callers beyond it block
 * @param readConnections size of the pool of read-only connections
 * @param threadFactory makes every thread the store starts: its single writer (a platform thread,
 *                      since JDBC calls into native code) and the read pool's housekeeping threads
 */
public record SqliteOptions(Duration agingStep, Durability durability, Duration syncDelay, Duration busyTimeout,
                            int maxBatch, int writeQueueCapacity, int readConnections, ThreadFactory threadFactory) {

    /** The default {@link #syncDelay}. */
    public static final Duration DEFAULT_SYNC_DELAY = Duration.ofMillis(100);
    /** The longest {@link #syncDelay}. */
    public static final Duration MAX_SYNC_DELAY = Duration.ofSeconds(1);

    public SqliteOptions {
        Arguments.requirePositive("agingStep", agingStep);
        Objects.requireNonNull(durability, "durability must be set");
        checkSyncDelay(syncDelay);
        Arguments.requirePositive("busyTimeout", busyTimeout);
        requireAtLeast("maxBatch", maxBatch, 1);
        requireAtLeast("writeQueueCapacity", writeQueueCapacity, 1);
        requireAtLeast("readConnections", readConnections, 1);
        Objects.requireNonNull(threadFactory, "threadFactory must be set");
    }

    /**
     * Aging step 30s, {@link Durability#FULL} with a sync delay of 100ms, busy timeout 5s, batches of up to 256 writes, 10,000
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
        private Duration syncDelay = DEFAULT_SYNC_DELAY;
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

        public Builder syncDelay(Duration d) {
            this.syncDelay = checkSyncDelay(d);
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
            return new SqliteOptions(agingStep, durability, syncDelay, busyTimeout, maxBatch, writeQueueCapacity, readConnections,
                    threads);
        }
    }


    /** {@code d} when it is a valid {@link #syncDelay}: from zero to {@link #MAX_SYNC_DELAY}. */
    public static Duration checkSyncDelay(Duration d) {
        if (d == null || d.isNegative() || d.compareTo(MAX_SYNC_DELAY) > 0) {
            throw new IllegalArgumentException("syncDelay must be from 0 to " + MAX_SYNC_DELAY.toMillis() + "ms but was " + d);
        }
        return d;
    }

    private static void requireAtLeast(String name, int n, int min) {
        if (n < min) {
            throw new IllegalArgumentException(name + " must be >= " + min + " but was " + n);
        }
    }
}
