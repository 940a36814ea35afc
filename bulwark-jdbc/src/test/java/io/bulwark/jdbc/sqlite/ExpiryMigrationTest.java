package io.bulwark.jdbc.sqlite;

import io.bulwark.core.time.SettableClock;
import io.bulwark.jobs.Job;
import io.bulwark.jobs.JobState;
import io.bulwark.jobs.store.NewJob;
import io.bulwark.resilience.retry.Backoff;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Version 6 widens the jobs table's state check in place (see {@code V6__Expiry}): a store made by
 * version 5, with jobs and their history, upgrades without losing either, takes the new state and
 * still refuses an unknown one.
 */
class ExpiryMigrationTest {

    @TempDir
    Path dir;

    @Test
    void aVersionFiveStoreUpgradesKeepingJobsAndHistoryAndTheCheckStillRefusesUnknownStates() throws Exception {
        SettableClock clock = SettableClock.at(Instant.parse("2026-12-01T10:00:00Z"));
        Path file = StoreFixture.atVersion(dir, 5);
        UUID old = UUID.fromString("0195b4a2-0000-7000-8000-000000000001");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement()) {
            st.execute("PRAGMA foreign_keys = ON");
            st.execute("INSERT INTO jobs (id, queue, type, payload, priority, state, run_at, sort_key, max_attempts, "
                    + "tags, created_at) VALUES (X'0195b4a2000070008000000000000001', 'old', 't', '{\"v\":1}', 5, "
                    + "'available', 1000, 1150, 3, '[]', 1000)");
            st.execute("INSERT INTO job_history (job_id, seq, at, from_state, to_state, reason, node, attempt) "
                    + "VALUES (X'0195b4a2000070008000000000000001', 1, 1000, NULL, 'available', 'enqueued', NULL, 0)");
        }

        try (SqliteJobStore store = SqliteJobStore.open(dir, clock, SqliteOptions.defaults())) {
            Job before = store.get(old).orElseThrow();
            assertThat(before.payload()).isEqualTo("{\"v\":1}");
            assertThat(before.expiresAt()).isNull();
            assertThat(before.history()).hasSize(1);

            NewJob expiring = new NewJob(UUID.randomUUID(), "q", "t", "{}", 5, null, 3, Backoff.DEFAULT,
                    Duration.ofMinutes(1), null, Set.of(), clock.instant().plusSeconds(1));
            store.enqueue(List.of(expiring));
            clock.advance(Duration.ofSeconds(2));
            assertThat(store.expireWaiting(10)).extracting(Job::state).containsExactly(JobState.EXPIRED);
        }

        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("PRAGMA integrity_check")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("ok");
            }
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM job_history WHERE job_id = "
                    + "X'0195b4a2000070008000000000000001'")) {
                rs.next();
                assertThat(rs.getInt(1)).as("the old job's history is still there").isEqualTo(1);
            }
            assertThatThrownBy(() -> st.execute("UPDATE jobs SET state = 'lost' WHERE id = "
                    + "X'0195b4a2000070008000000000000001'")).hasMessageContaining("CHECK constraint failed");
        }
    }
}
