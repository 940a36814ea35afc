package io.bulwark.jdbc.sqlite;

import io.bulwark.core.time.SettableClock;
import io.bulwark.jobs.JobState;
import io.bulwark.jobs.store.Claim;
import io.bulwark.jobs.store.QueueCounts;
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
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Version 10 rebuilds the jobs' indexes so that each holds the states it serves: a store made by
 * version 9 with jobs in every state counts, claims, lists its dead-letter queue and prunes as
 * before once upgraded.
 */
class ClaimIndexMigrationTest {

    @TempDir
    Path dir;

    @Test
    void aVersionNineStoreCountsClaimsAndPrunesThroughTheNewIndexes() throws Exception {
        SettableClock clock = SettableClock.at(Instant.parse("2026-12-07T10:00:00Z"));
        Path file = StoreFixture.atVersion(dir, 9);
        String[][] jobs = {
                // id suffix, queue, state, sort_key, finished_at, lease_until
                {"01", "a", "available", "2000", null, null},
                {"02", "a", "available", "1000", null, null},
                {"03", "a", "running", null, null, "9999999999999"},
                {"04", "a", "scheduled", null, null, null},
                {"05", "a", "retryable", null, null, null},
                {"06", "a", "completed", null, "1000", null},
                {"07", "a", "dead", null, "1500", null},
                {"08", "b", "completed", null, "500", null},
                {"09", "b", "cancelled", null, "2000", null},
                {"10", "b", "expired", null, "3000", null},
        };
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement()) {
            for (String[] j : jobs) {
                st.execute("INSERT INTO jobs (id, queue, type, payload, priority, state, run_at, sort_key, max_attempts, "
                        + "tags, created_at, attempt, token, finished_at, lease_until, node) VALUES "
                        + "(X'0195b4a20000700080000000000000" + j[0] + "', '" + j[1] + "', 't', '{}', 5, '" + j[2]
                        + "', " + (j[2].equals("scheduled") || j[2].equals("retryable") ? "9999999999999" : "100") + ", "
                        + j[3] + ", 3, '[]', 100, 1, 1, " + j[4] + ", " + j[5] + ", 'n')");
            }
        }

        try (SqliteJobStore store = SqliteJobStore.open(dir, clock, SqliteOptions.defaults())) {
            assertThat(store.counts()).extracting(QueueCounts::queue).containsExactly("a", "b");
            QueueCounts a = store.counts().get(0);
            QueueCounts b = store.counts().get(1);
            assertThat(List.of(JobState.AVAILABLE, JobState.RUNNING, JobState.SCHEDULED, JobState.RETRYABLE,
                    JobState.COMPLETED, JobState.DEAD)).allSatisfy(s -> assertThat(a.count(s)).as(s.id())
                    .isEqualTo(s == JobState.AVAILABLE ? 2 : 1));
            assertThat(List.of(JobState.COMPLETED, JobState.CANCELLED, JobState.EXPIRED))
                    .allSatisfy(s -> assertThat(b.count(s)).as(s.id()).isEqualTo(1));

            List<Claim> claimed = store.claim("a", "n", 5, Duration.ofMinutes(1));
            assertThat(claimed).extracting(cl -> cl.job().id().toString())
                    .as("in claim order").containsExactly("0195b4a2-0000-7000-8000-000000000002",
                            "0195b4a2-0000-7000-8000-000000000001");

            assertThat(store.prune(Instant.ofEpochMilli(2500), 2)).as("the two oldest final jobs").isEqualTo(2);
            assertThat(store.get(UUID.fromString("0195b4a2-0000-7000-8000-000000000008"))).isEmpty();
            assertThat(store.get(UUID.fromString("0195b4a2-0000-7000-8000-000000000006"))).isEmpty();
            assertThat(store.purgeDead("a")).isEqualTo(1);
            assertThat(store.prune(Instant.ofEpochMilli(2500), 10)).as("the cancelled job; the expired one is newer")
                    .isEqualTo(1);
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT sql FROM sqlite_master WHERE name = 'jobs_claim'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).contains("(queue, sort_key, id) WHERE state = 'available'");
        }
    }
}
