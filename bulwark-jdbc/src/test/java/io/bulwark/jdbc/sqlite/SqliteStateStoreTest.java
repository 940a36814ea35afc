package io.bulwark.jdbc.sqlite;

import io.bulwark.core.state.StateStore;
import io.bulwark.core.time.SettableClock;
import io.bulwark.test.state.StateStoreContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class SqliteStateStoreTest extends StateStoreContract {

    @TempDir
    Path dir;
    private SqliteJobStore jobs;

    @Override
    protected StateStore open(SettableClock clock) {
        jobs = SqliteJobStore.open(dir, clock, SqliteOptions.defaults());
        return jobs.state();
    }

    @AfterEach
    void close() {
        jobs.close();
    }

    @Test
    void documentsAndHistorySurviveReopening() {
        store.put("provider-group", "llm", "{\"strategy\":\"weighted\"}");
        store.append("breaker-history", "openai", "{\"to\":\"OPEN\"}");
        jobs.close();

        jobs = SqliteJobStore.open(dir, clock, SqliteOptions.defaults());
        StateStore reopened = jobs.state();

        assertThat(reopened.get("provider-group", "llm")).get().extracting(e -> e.json())
                .isEqualTo("{\"strategy\":\"weighted\"}");
        assertThat(reopened.history("breaker-history", "openai", 10)).hasSize(1);
    }
}
