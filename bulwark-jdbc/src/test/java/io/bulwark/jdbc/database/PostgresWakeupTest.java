package io.bulwark.jdbc.database;

import io.bulwark.test.db.TestDatabase;
import io.bulwark.test.services.LocalService;
import io.bulwark.test.services.RequiresService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** PostgreSQL tells listening nodes about jobs that became ready on another node, once they are committed. */
@RequiresService(LocalService.POSTGRESQL)
class PostgresWakeupTest {

    private static TestDatabase db;

    @BeforeAll
    static void create() {
        db = TestDatabase.create(LocalService.POSTGRESQL);
    }

    @AfterAll
    static void drop() {
        db.close();
    }

    private static DatabaseJobStore open() {
        return DatabaseJobStore.open(DatabaseOptions.builder(db.url()).user(db.user()).build());
    }

    @Test
    void aListeningNodeHearsOfCommittedJobsOfOtherNodesAndNothingOfRolledBackOnes() throws Exception {
        List<String> heard = new CopyOnWriteArrayList<>();
        try (DatabaseJobStore listening = open(); DatabaseJobStore other = open();
             AutoCloseable listener = listening.listen(heard::add, Thread.ofPlatform().daemon().factory()).orElseThrow()) {
            // The listener is up once a notification sent after it started arrives.
            await().atMost(Duration.ofSeconds(5)).until(() -> {
                other.enqueue(List.of(DatabaseStoreRules.job("probe")));
                return heard.contains("probe");
            });
            heard.clear();
            try (Connection c = db.connect()) {
                other.enqueue(c, List.of(DatabaseStoreRules.job("rolled-back")));
                c.rollback();
                other.enqueue(c, List.of(DatabaseStoreRules.job("committed")));
                c.commit();
            }
            other.enqueue(List.of(DatabaseStoreRules.job("mail"), DatabaseStoreRules.job("mail")));
            await().atMost(Duration.ofSeconds(5)).until(() -> heard.contains("mail"));
            assertThat(heard).containsSubsequence("committed", "mail").doesNotContain("rolled-back");
            assertThat(heard).filteredOn("mail"::equals).as("one notification per queue per transaction").hasSize(1);
        }
    }
}
