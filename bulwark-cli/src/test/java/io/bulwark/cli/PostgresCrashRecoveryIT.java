package io.bulwark.cli;

import io.bulwark.test.db.PrivatePostgres;
import io.bulwark.test.db.TestDatabase;
import io.bulwark.test.services.LocalService;
import io.bulwark.test.services.RequiresService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code bulwark serve --store.url=<postgres>} under faults: the node killed with kill -9 and
 * restarted; and PostgreSQL itself stopped like a crash and started again under a running node
 * (a private server on a free port, never the shared one), which backs off and resumes.
 */
@RequiresService(LocalService.POSTGRESQL)
class PostgresCrashRecoveryIT extends CrashRecoveryRules {

    @TempDir
    Path pgDir;

    private List<String> store = List.of();
    private TestDatabase shared;

    @Override
    List<String> storeArgs() {
        return store;
    }

    @AfterEach
    void dropSchema() {
        if (shared != null) {
            shared.close();
        }
    }

    @Test
    void everyAcknowledgedJobEndsAsExpectedAfterKill9AndRestart() throws Exception {
        shared = TestDatabase.create(LocalService.POSTGRESQL);
        store = List.of("--store.url=" + shared.url(), "--store.user=" + shared.user());
        killNineAndRestart();
    }

    @Test
    void aRunningNodeRidesOutAPostgresCrashAndRestart() throws Exception {
        try (PrivatePostgres pg = PrivatePostgres.start(pgDir)) {
            store = List.of("--store.url=" + pg.url(), "--store.user=" + pg.user());
            String base = start();
            Map<String, Expect> expected = enqueueAll(base);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                    .until(() -> count(base, "completed") >= 1000);
            pg.stop(PrivatePostgres.Mode.IMMEDIATE);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> ready(base) == 503);
            pg.start();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> ready(base) == 200);
            assertThat(children.get(0).isAlive()).as("the node never stopped").isTrue();
            verifyAllFinal(base, expected);
            List<String> lines = List.copyOf(log);
            assertThat(lines).filteredOn(l -> l.contains("failed to poll")).as("one line when polling starts failing")
                    .hasSize(1);
            assertThat(lines).filteredOn(l -> l.contains("can poll again")).as("one line when it works again")
                    .hasSize(1);
        }
    }
}
