package io.bulwark.jdbc.database;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.function.LongSupplier;

/**
 * How to open a {@link DatabaseJobStore}.
 *
 * <pre>{@code
 * DatabaseOptions options = DatabaseOptions.builder("jdbc:postgresql://db:5432/app")
 *         .user("bulwark").password(System.getenv("DB_PASSWORD"))
 *         .pool(new PoolSettings(20, 2, Duration.ofMinutes(30), Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ZERO))
 *         .build();
 * }</pre>
 *
 * @param url the JDBC URL; its scheme picks the {@link Dialect}
 * @param user the database user, or null to take it from the URL
 * @param password the password, or null; never logged or shown
 * @param pool the connection pool
 * @param agingStep how long a job waits to count as one priority level higher
 * @param clock null to let the database's clock decide run times and leases (what a fleet needs);
 *              a clock here replaces it, for tests that move time by hand
 * @param threadFactory where the pool's housekeeping threads come from
 * @param ticker nanoseconds for how long connections are held and when to ask a replica again, {@code System::nanoTime} by default
 * @param readUrl a read-only replica (same dialect, same user) for list and count queries, or null
 * @param readMaxLag beyond this replication lag, reads go to the primary
 */
public record DatabaseOptions(String url, String user, String password, PoolSettings pool, Duration agingStep,
                              InstantSource clock, ThreadFactory threadFactory, LongSupplier ticker, String readUrl,
                              Duration readMaxLag) {

    public DatabaseOptions {
        Objects.requireNonNull(url, "url must be set");
        Objects.requireNonNull(pool, "pool must be set");
        Objects.requireNonNull(threadFactory, "threadFactory must be set");
        Objects.requireNonNull(ticker, "ticker must be set");
        if (agingStep == null || agingStep.isNegative() || agingStep.isZero()) {
            throw new IllegalArgumentException("agingStep must be > 0 but was " + agingStep);
        }
        Dialect.of(url);
        if (readUrl != null && Dialect.of(readUrl) != Dialect.of(url)) {
            throw new IllegalArgumentException("readUrl must be of the same dialect as url: " + StoreUrls.redact(readUrl));
        }
        Objects.requireNonNull(readMaxLag, "readMaxLag must be set");
    }

    /** The dialect of {@link #url()}. */
    public Dialect dialect() {
        return Dialect.of(url);
    }

    /** Options for {@code url} with every default. */
    public static Builder builder(String url) {
        return new Builder(url);
    }

    /** Never shows the password. */
    @Override
    public String toString() {
        return "DatabaseOptions[url=" + StoreUrls.redact(url) + ", readUrl=" + (readUrl == null ? "none"
                : StoreUrls.redact(readUrl)) + ", user=" + user + ", pool=" + pool + ", agingStep=" + agingStep
                + ", clock=" + (clock == null ? "database" : clock) + "]";
    }

    /** Builds {@link DatabaseOptions}; every setter checks its value at once. */
    public static final class Builder {
        private final String url;
        private String user;
        private String password;
        private PoolSettings pool = PoolSettings.defaults();
        private Duration agingStep = Duration.ofSeconds(30);
        private InstantSource clock;
        private ThreadFactory threadFactory = Thread.ofPlatform().daemon().name("bulwark-db-pool-", 0).factory();
        private LongSupplier ticker = System::nanoTime;
        private String readUrl;
        private Duration readMaxLag = Duration.ofSeconds(10);

        private Builder(String url) {
            Dialect.of(url);
            this.url = url;
        }

        public Builder user(String user) {
            this.user = user;
            return this;
        }

        public Builder password(String password) {
            this.password = password;
            return this;
        }

        public Builder pool(PoolSettings pool) {
            this.pool = Objects.requireNonNull(pool, "pool must be set");
            return this;
        }

        public Builder agingStep(Duration step) {
            if (step == null || step.isNegative() || step.isZero()) {
                throw new IllegalArgumentException("agingStep must be > 0 but was " + step);
            }
            this.agingStep = step;
            return this;
        }

        /** Replaces the database's clock; for tests that drive time by hand. */
        public Builder clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock must be set");
            return this;
        }

        public Builder threadFactory(ThreadFactory factory) {
            this.threadFactory = Objects.requireNonNull(factory, "threadFactory must be set");
            return this;
        }

        public Builder ticker(LongSupplier ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker must be set");
            return this;
        }

        /** A read-only replica for list and count queries; writes, claims and single-job reads stay on the primary. */
        public Builder readUrl(String readUrl) {
            if (readUrl != null) {
                Dialect.of(readUrl);
            }
            this.readUrl = readUrl;
            return this;
        }

        /** Beyond this replication lag reads go to the primary (10 s by default). */
        public Builder readMaxLag(Duration lag) {
            if (lag == null || lag.isNegative()) {
                throw new IllegalArgumentException("readMaxLag must be >= 0 but was " + lag);
            }
            this.readMaxLag = lag;
            return this;
        }

        public DatabaseOptions build() {
            return new DatabaseOptions(url, user, password, pool, agingStep, clock, threadFactory, ticker, readUrl,
                    readMaxLag);
        }
    }
}
