package io.bulwark.jdbc.database;

import java.time.Duration;

/**
 * The connection pool of a {@link DatabaseJobStore} (HikariCP underneath).
 *
 * @param size the most connections open at once
 * @param minIdle how many idle connections the pool keeps ready
 * @param maxLifetime how long a connection lives before it is recycled (set below the database's or a
 *                    proxy's own idle cut-off)
 * @param connectionTimeout how long a caller waits for a connection before its operation fails
 * @param validationTimeout how long a connection check may take
 * @param leakDetection how long a connection may be held before a warning names the holder; zero is off
 */
public record PoolSettings(int size, int minIdle, Duration maxLifetime, Duration connectionTimeout,
                           Duration validationTimeout, Duration leakDetection) {

    /** 10 connections, 2 idle, 30 min lifetime, 5 s to get one, 2 s to check one, no leak detection. */
    public static PoolSettings defaults() {
        return new PoolSettings(10, 2, Duration.ofMinutes(30), Duration.ofSeconds(5), Duration.ofSeconds(2),
                Duration.ZERO);
    }

    public PoolSettings {
        if (size < 1 || size > 1_000) {
            throw new IllegalArgumentException("pool size must be from 1 to 1000 but was " + size);
        }
        if (minIdle < 0 || minIdle > size) {
            throw new IllegalArgumentException("pool minIdle must be from 0 to the size (" + size + ") but was " + minIdle);
        }
        requireAtLeast("maxLifetime", maxLifetime, Duration.ofSeconds(30));
        requireAtLeast("connectionTimeout", connectionTimeout, Duration.ofMillis(250));
        requireAtLeast("validationTimeout", validationTimeout, Duration.ofMillis(250));
        if (leakDetection == null || leakDetection.isNegative()
                || (!leakDetection.isZero() && leakDetection.compareTo(Duration.ofSeconds(2)) < 0)) {
            throw new IllegalArgumentException("pool leakDetection must be 0 (off) or at least 2s but was " + leakDetection);
        }
    }

    private static void requireAtLeast(String name, Duration d, Duration min) {
        if (d == null || d.compareTo(min) < 0) {
            throw new IllegalArgumentException("pool " + name + " must be at least " + min.toMillis() + "ms but was " + d);
        }
    }
}
