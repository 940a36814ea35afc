package io.bulwark.jdbc.sqlite;

import io.bulwark.core.ids.Uuid7;
import io.bulwark.core.time.SettableClock;
import io.bulwark.jdbc.sqlite.internal.Database;
import io.bulwark.jobs.Job;
import io.bulwark.jobs.store.Claim;
import io.bulwark.jobs.store.NewJob;
import io.bulwark.resilience.retry.Backoff;
import org.flywaydb.core.Flyway;

import java.io.IOException;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** A store in a temporary directory with a settable clock, and short ways to make jobs. */
final class StoreFixture implements AutoCloseable {

    static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    static final Duration LEASE = Duration.ofSeconds(30);

    final SettableClock clock = SettableClock.at(T0);
    final Path dir;
    final SqliteOptions options;
    final Uuid7 ids = new Uuid7(clock, new SplittableRandom(7));
    SqliteJobStore store;

    StoreFixture(Path dir) {
        this(dir, SqliteOptions.defaults());
    }

    StoreFixture(Path dir, SqliteOptions options) {
        this.dir = dir;
        this.options = options;
        this.store = SqliteJobStore.open(dir, clock, options);
    }

    /** Closes the store and opens the same file again. */
    SqliteJobStore reopen() {
        store.close();
        store = SqliteJobStore.open(dir, clock, options);
        return store;
    }

    JobBuilder job() {
        return new JobBuilder(ids.next());
    }

    /** Enqueues one new job and returns it as stored. */
    Job enqueue(JobBuilder b) {
        return store.enqueue(List.of(b.build())).getFirst().job();
    }

    Job enqueue(String queue) {
        return enqueue(job().queue(queue));
    }

    Claim claimOne(String queue, String node) {
        List<Claim> claims = store.claim(queue, node, 1, LEASE);
        if (claims.size() != 1) {
            throw new AssertionError("expected one claim from " + queue + " but got " + claims);
        }
        return claims.getFirst();
    }

    Job get(UUID id) {
        return store.get(id).orElseThrow();
    }

    /** Runs one query on a separate connection and returns the first column of the first row. */
    long scalar(String sql) {
        return Long.parseLong(text(sql));
    }

    String text(String sql) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + store.file());
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    @Override
    public void close() {
        store.close();
    }

    /**
     * The store file in {@code dir} made by the migrations up to {@code version} only, as a Bulwark of
     * that schema version left it, for the upgrade tests.
     */
    static Path atVersion(Path dir, int version) throws IOException {
        Path file = dir.resolve(SqliteJobStore.FILE_NAME);
        Database.createOwnerOnly(dir, file);
        Flyway older = Flyway.configure().configuration(Database.flyway(file, SqliteOptions.defaults()).getConfiguration())
                .target(String.valueOf(version)).load();
        assertThat(older.migrate().migrationsExecuted).isEqualTo(version);
        return file;
    }

    /** A NewJob with test defaults: queue "q", type "test", priority 5, 3 attempts. */
    static final class JobBuilder {
        private final UUID id;
        private String queue = "q";
        private String type = "test";
        private String payload = "{\"n\":1}";
        private int priority = 5;
        private Instant runAt;
        private int maxAttempts = 3;
        private Backoff backoff = Backoff.of(Duration.ofSeconds(1), 2.0, Duration.ofMinutes(5));
        private Duration timeout = Duration.ofMinutes(1);
        private String key;
        private Set<String> tags = Set.of();

        JobBuilder(UUID id) {
            this.id = id;
        }

        JobBuilder queue(String q) {
            this.queue = q;
            return this;
        }

        JobBuilder type(String t) {
            this.type = t;
            return this;
        }

        JobBuilder payload(String p) {
            this.payload = p;
            return this;
        }

        JobBuilder priority(int p) {
            this.priority = p;
            return this;
        }

        JobBuilder runAt(Instant t) {
            this.runAt = t;
            return this;
        }

        JobBuilder maxAttempts(int n) {
            this.maxAttempts = n;
            return this;
        }

        JobBuilder key(String k) {
            this.key = k;
            return this;
        }

        JobBuilder tags(String... t) {
            this.tags = Set.of(t);
            return this;
        }

        JobBuilder backoff(Backoff b) {
            this.backoff = b;
            return this;
        }

        JobBuilder timeout(Duration d) {
            this.timeout = d;
            return this;
        }

        NewJob build() {
            return new NewJob(id, queue, type, payload, priority, runAt, maxAttempts, backoff, timeout, key, tags);
        }
    }
}
