package io.bulwark.jdbc.sqlite;

import io.bulwark.core.time.SettableClock;
import io.bulwark.jobs.Job;
import io.bulwark.jobs.JobState;
import io.bulwark.jobs.Transition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Version 9 moves each job's history from its own table into the job's row (a JSON array): a store
 * made by version 8, with history rows written out of order and text that JSON must escape, keeps
 * every transition in sequence, reads it through the {@code job_history} view as before, and
 * appends what comes next.
 */
class HistoryInRowMigrationTest {

    @TempDir
    Path dir;

    @Test
    void aVersionEightStoreKeepsEveryTransitionInOrderAndAppendsTheNext() throws Exception {
        SettableClock clock = SettableClock.at(Instant.parse("2026-12-07T10:00:00Z"));
        Path file = StoreFixture.atVersion(dir, 8);
        UUID old = UUID.fromString("0195b4a2-0000-7000-8000-000000000001");
        String job = "X'0195b4a2000070008000000000000001'";
        String odd = "quote \" backslash \\ newline \n tab \t ünï 🚀 '";
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement()) {
            st.execute("PRAGMA foreign_keys = ON");
            st.execute("INSERT INTO jobs (id, queue, type, payload, priority, state, run_at, sort_key, max_attempts, "
                    + "tags, created_at, attempt, token) VALUES (" + job + ", 'old', 't', '{}', 5, 'available', 2600, 2750, 3, "
                    + "'[]', 1000, 1, 1)");
            // Written out of order: the sequence, not the insertion, is the order.
            st.execute("INSERT INTO job_history (job_id, seq, at, from_state, to_state, reason, node, attempt) VALUES ("
                    + job + ", 3, 2500, 'running', 'retryable', '" + odd.replace("'", "''") + "', 'node-a', 1)");
            st.execute("INSERT INTO job_history (job_id, seq, at, from_state, to_state, reason, node, attempt) VALUES ("
                    + job + ", 1, 1000, NULL, 'available', 'enqueued', NULL, 0)");
            st.execute("INSERT INTO job_history (job_id, seq, at, from_state, to_state, reason, node, attempt) VALUES ("
                    + job + ", 2, 2000, 'available', 'running', 'claimed', 'node-a', 1)");
            st.execute("INSERT INTO job_history (job_id, seq, at, from_state, to_state, reason, node, attempt) VALUES ("
                    + job + ", 4, 2600, 'retryable', 'available', 'due', NULL, 1)");
        }

        try (SqliteJobStore store = SqliteJobStore.open(dir, clock, SqliteOptions.defaults())) {
            Job before = store.get(old).orElseThrow();
            assertThat(before.history()).extracting(Transition::at, Transition::from, Transition::to, Transition::reason,
                    Transition::node, Transition::attempt).containsExactly(
                    tuple(Instant.ofEpochMilli(1000), null, JobState.AVAILABLE, "enqueued", null, 0),
                    tuple(Instant.ofEpochMilli(2000), JobState.AVAILABLE, JobState.RUNNING, "claimed", "node-a", 1),
                    tuple(Instant.ofEpochMilli(2500), JobState.RUNNING, JobState.RETRYABLE, odd, "node-a", 1),
                    tuple(Instant.ofEpochMilli(2600), JobState.RETRYABLE, JobState.AVAILABLE, "due", null, 1));

            assertThat(store.cancel(old, "no longer wanted").orElseThrow().state()).isEqualTo(JobState.CANCELLED);
            assertThat(store.get(old).orElseThrow().history()).hasSize(5).last()
                    .extracting(Transition::from, Transition::to, Transition::reason)
                    .containsExactly(JobState.AVAILABLE, JobState.CANCELLED, "no longer wanted");
        }

        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("PRAGMA integrity_check")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("ok");
            }
            try (ResultSet rs = st.executeQuery("SELECT type FROM sqlite_master WHERE name = 'job_history'")) {
                rs.next();
                assertThat(rs.getString(1)).as("the table became a view over the jobs' rows").isEqualTo("view");
            }
            try (ResultSet rs = st.executeQuery("SELECT seq, reason FROM job_history WHERE job_id = " + job
                    + " ORDER BY seq")) {
                for (int seq = 1; seq <= 5; seq++) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getInt(1)).isEqualTo(seq);
                }
                assertThat(rs.getString(2)).isEqualTo("no longer wanted");
                assertThat(rs.next()).isFalse();
            }
            try (ResultSet rs = st.executeQuery("SELECT json_valid(history) FROM jobs WHERE id = " + job)) {
                rs.next();
                assertThat(rs.getInt(1)).as("the column stays one JSON array").isEqualTo(1);
            }
        }
    }
}
