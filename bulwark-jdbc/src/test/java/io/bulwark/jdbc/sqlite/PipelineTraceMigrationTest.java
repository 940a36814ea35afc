package io.bulwark.jdbc.sqlite;

import io.bulwark.core.time.SettableClock;
import io.bulwark.core.tracing.PlannedSpan;
import io.bulwark.pipeline.store.PipelineRun;
import io.bulwark.pipeline.store.RunPhase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Version 8 gives pipeline runs the trace context of their span: a run recorded by version 7 reads
 * back unchanged, without a span, and its retry takes one.
 */
class PipelineTraceMigrationTest {

    @TempDir
    Path dir;

    @Test
    void aRunFromVersionSevenReadsBackWithoutASpanAndItsRetryTakesOne() throws Exception {
        SettableClock clock = SettableClock.at(Instant.parse("2026-12-01T10:00:00Z"));
        Path file = StoreFixture.atVersion(dir, 7);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement()) {
            st.execute("INSERT INTO pipeline_runs (id, pipeline, version, phase, input, generation, failed_step, error, "
                    + "created_at, finished_at) VALUES (X'0195b4a2000070008000000000000002', 'etl', 1, 'failed', '{}', 0, "
                    + "'load', 'boom', 1000, 2000)");
        }
        UUID id = UUID.fromString("0195b4a2-0000-7000-8000-000000000002");

        try (SqliteJobStore store = SqliteJobStore.open(dir, clock, SqliteOptions.defaults())) {
            PipelineRun old = store.pipelines().run(id).orElseThrow();
            assertThat(old.phase()).isEqualTo(RunPhase.FAILED);
            assertThat(old.createdAt()).isEqualTo(Instant.ofEpochMilli(1000));
            assertThat(old.trace()).isNull();

            PlannedSpan span = new PlannedSpan("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", null);
            assertThat(store.pipelines().retryRun(id, span)).isTrue();
            assertThat(store.pipelines().run(id).orElseThrow().trace()).isEqualTo(span);
        }
    }
}
