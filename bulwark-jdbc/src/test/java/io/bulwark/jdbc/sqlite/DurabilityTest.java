package io.bulwark.jdbc.sqlite;

import io.bulwark.jdbc.StoreException;
import io.bulwark.jobs.Job;
import io.bulwark.jobs.store.Claim;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DurabilityTest {

    @TempDir
    Path dir;

    @Test
    void jobsSurviveClosingAndReopening() {
        try (StoreFixture f = new StoreFixture(dir)) {
            Job first = f.enqueue(f.job().key("k"));
            Job second = f.enqueue(f.job());
            f.claimOne("q", "n");
            Job running = f.get(first.id());
            f.store.saveQueueSettings("q", "{}");

            f.reopen();

            assertThat(f.get(first.id())).isEqualTo(running);
            assertThat(f.get(second.id()).withHistory(List.of())).isEqualTo(second);
            assertThat(f.store.enqueue(List.of(f.job().key("k").build())).getFirst().replayed()).isTrue();
            Claim c = f.claimOne("q", "n");
            assertThat(c.job().id()).isEqualTo(second.id());
            assertThat(f.store.queueSettings("q")).contains("{}");
        }
    }

    @Test
    void migrationsRunOnceAndAreVersioned() {
        try (StoreFixture f = new StoreFixture(dir)) {
            f.reopen();
            f.reopen();

            // One row per migration (V1 jobs, V2 state, V3 cluster, V4 schedules, V5 pipelines, V6 expiry, V7 exact keys,
            // V8 pipeline trace, V9 history in the job's row), however often the store opens.
            assertThat(f.scalar("SELECT count(*) FROM flyway_schema_history WHERE success = 1")).isEqualTo(10);
            assertThat(f.scalar("SELECT max(CAST(version AS INTEGER)) FROM flyway_schema_history")).isEqualTo(10);
            assertThat(f.scalar("SELECT count(*) FROM sqlite_master WHERE name IN ('jobs', 'job_history', 'queues', "
                    + "'state_documents', 'state_history', 'nodes', 'leader', 'leader_terms', 'locks', 'schedules', "
                    + "'schedule_firings', 'pipelines', 'pipeline_runs', 'pipeline_steps')")).isEqualTo(14);
        }
    }

    @Test
    void theFileIsInWalModeWithForeignKeysEnforced() {
        try (StoreFixture f = new StoreFixture(dir)) {
            Job job = f.enqueue(f.job());
            f.store.cancel(job.id(), "x");
            f.store.prune(f.store.now().plusSeconds(1), 10);

            assertThat(f.text("PRAGMA journal_mode")).isEqualTo("wal");
            assertThat(Files.exists(dir.resolve("jobs.db-wal"))).isTrue();
            assertThat(f.scalar("SELECT count(*) FROM job_history")).as("history cascaded").isZero();
        }
    }

    @Test
    void anUnreadableFileFailsNamingTheOperationAndThePath() throws Exception {
        Files.writeString(dir.resolve("jobs.db"), "this is not a database, just some text that is long enough ".repeat(20));

        assertThatThrownBy(() -> SqliteJobStore.open(dir, InstantSource.system(), SqliteOptions.defaults()))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(dir.resolve("jobs.db").toString())
                .hasMessageContaining("migrate failed");
    }

    @Test
    void aWriteLockedOutByAnotherConnectionFailsNamingTheOperationAndThePathThenTheStoreRecovers()
            throws Exception {
        SqliteOptions options = SqliteOptions.builder().busyTimeout(Duration.ofMillis(50)).build();
        try (StoreFixture f = new StoreFixture(dir, options)) {
            try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + f.store.file());
                 Statement st = other.createStatement()) {
                st.execute("BEGIN IMMEDIATE"); // another process holds the write lock

                assertThatThrownBy(() -> f.enqueue("q")).isInstanceOf(StoreException.class)
                        .hasMessageContaining("SQLite job store " + f.store.file())
                        .hasMessageContaining("enqueue failed")
                        .hasMessageContaining("SQLITE_BUSY")
                        .satisfies(e -> assertThat(((StoreException) e).operation()).isEqualTo("enqueue"));

                st.execute("ROLLBACK");
            }
            Job job = f.enqueue("q");
            assertThat(f.store.get(job.id())).isPresent();
        }
    }

    @Test
    void aClosedStoreRefusesWrites() {
        StoreFixture f = new StoreFixture(dir);
        f.close();
        f.close();

        assertThatThrownBy(() -> f.enqueue("q")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed").hasMessageContaining("enqueue");
        assertThatThrownBy(() -> f.store.get(UUID.randomUUID())).isInstanceOf(IllegalStateException.class);
    }

    /**
     * The promise of both modes: a write acknowledged before the process is killed is in the file.
     * The child enqueues from four threads and prints each acknowledged id; it is killed with
     * SIGKILL mid-stream, so some enqueues are cut off in the middle of a commit.
     */
    @ParameterizedTest
    @EnumSource(Durability.class)
    void acknowledgedEnqueuesSurviveKill9(Durability durability) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), EnqueueUntilKilled.class.getName(), dir.toString(),
                durability.name());
        pb.redirectError(dir.resolve("child.err").toFile());
        Process child = pb.start();
        List<UUID> acked = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while (acked.size() < 500 && (line = in.readLine()) != null) {
                if (line.startsWith("acked ")) {
                    acked.add(UUID.fromString(line.substring(6)));
                }
            }
            child.destroyForcibly(); // SIGKILL: no shutdown hooks, no close
            child.waitFor();
        }
        assertThat(acked).as("child output; see " + dir.resolve("child.err")).hasSize(500);

        try (SqliteJobStore store = SqliteJobStore.open(dir, InstantSource.system(), SqliteOptions.defaults())) {
            List<UUID> missing = acked.stream().filter(id -> store.get(id).isEmpty()).toList();
            assertThat(missing).as("acknowledged but lost").isEmpty();
        }
    }
}
