package io.bulwark.jdbc.sqlite.internal;

import io.bulwark.jobs.JobState;
import io.bulwark.jobs.Transition;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The history column as SQLite's own JSON functions write it, read back field by field. */
class HistoryColumnTest {

    private static final String HOSTILE = "error: \"quoted\" \\ back\nnew line\ttab é 日本 \uD83D\uDE80 \u0001 '; DROP TABLE jobs; --";

    @Test
    void readsWhatTheStoresAppendWritesWithEveryFieldAndEscape() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:");
             Statement st = c.createStatement()) {
            st.execute("CREATE TABLE jobs (id INTEGER PRIMARY KEY, history TEXT NOT NULL DEFAULT '[]')");
            st.execute("INSERT INTO jobs (id) VALUES (1)");
            try (PreparedStatement append = c.prepareStatement("UPDATE jobs SET "
                    + Session.appendHistory("json_array(?1, ?2, ?3, ?4, ?5, ?6)") + " WHERE id = 1")) {
                append(append, 1_700_000_000_000L, null, "available", "enqueued", null, 0);
                append(append, 1_700_000_000_005L, "available", "running", "claimed", "node-a", 1);
                append(append, 1_700_000_000_009L, "running", "retryable", HOSTILE, "node-\"b\"", 1);
            }
            String json;
            try (ResultSet rs = st.executeQuery("SELECT history FROM jobs WHERE id = 1")) {
                rs.next();
                json = rs.getString(1);
            }

            assertThat(HistoryColumn.read(json)).containsExactly(
                    new Transition(Instant.ofEpochMilli(1_700_000_000_000L), null, JobState.AVAILABLE, "enqueued", null, 0),
                    new Transition(Instant.ofEpochMilli(1_700_000_000_005L), JobState.AVAILABLE, JobState.RUNNING,
                            "claimed", "node-a", 1),
                    new Transition(Instant.ofEpochMilli(1_700_000_000_009L), JobState.RUNNING, JobState.RETRYABLE,
                            HOSTILE, "node-\"b\"", 1));
        }
    }

    @Test
    void anEmptyHistoryIsAnEmptyList() {
        assertThat(HistoryColumn.read("[]")).isEmpty();
        assertThat(HistoryColumn.read(" [ ] ")).isEmpty();
    }

    @Test
    void aColumnThatIsNotAnArrayOfTransitionsFailsNamingWhatItHolds() {
        for (String bad : List.of("{}", "[[1]]", "[[\"x\", null, \"available\", \"r\", null, 0]]",
                "[[1, null, null, \"r\", null, 0]]", "[[1, null, \"available\", 7, null, 0]]",
                "[[1, null, \"available\", \"r\", null, 0, 9]]", "[")) {
            assertThatThrownBy(() -> HistoryColumn.read(bad)).as(bad)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("history");
        }
        assertThatThrownBy(() -> HistoryColumn.read("[[1, null, \"nowhere\", \"r\", null, 0]]"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("unknown job state 'nowhere'");
    }

    private static void append(PreparedStatement ps, long at, String from, String to, String reason, String node,
                               int attempt) throws Exception {
        ps.setLong(1, at);
        ps.setString(2, from);
        ps.setString(3, to);
        ps.setString(4, reason);
        ps.setString(5, node);
        ps.setInt(6, attempt);
        ps.executeUpdate();
    }
}
