package io.bulwark.jdbc.database;

import io.bulwark.jdbc.StoreStatus;
import io.bulwark.jobs.Job;
import io.bulwark.jobs.store.JobQuery;
import io.bulwark.jobs.store.NewJob;
import io.bulwark.test.db.PrivatePostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * store.readUrl against a real streaming replica (a private primary and a replica made with
 * pg_basebackup -R): list and count queries are served by the replica, writes and claims by the
 * primary; when the replica lags past the limit or dies, reads fall back to the primary, and the
 * status says so.
 */
class PostgresReplicaTest {

    @TempDir
    Path primaryDir;

    @TempDir
    Path replicaDir;

    private static void sql(PrivatePostgres pg, String statement) throws Exception {
        try (Connection c = DriverManager.getConnection(pg.url(), pg.user(), null); Statement st = c.createStatement()) {
            st.execute(statement);
        }
    }

    private static List<java.util.UUID> ids(DatabaseJobStore store) {
        return store.list(new JobQuery("r", null, null, null, 100)).stream().map(Job::id).toList();
    }

    @Test
    void readsGoToTheReplicaUntilItLagsOrDiesThenToThePrimary() throws Exception {
        try (PrivatePostgres primary = PrivatePostgres.start(primaryDir);
             PrivatePostgres replica = primary.startReplica(replicaDir)) {
            DatabaseOptions.Builder options = DatabaseOptions.builder(primary.url()).user(primary.user())
                    .readUrl(replica.url()).readMaxLag(Duration.ofHours(1));
            try (DatabaseJobStore store = DatabaseJobStore.open(options.build())) {
                NewJob first = DatabaseStoreRules.job("r");
                store.enqueue(List.of(first));
                await().atMost(Duration.ofSeconds(20)).until(() -> ids(store).contains(first.id()));

                // Replay paused: the replica no longer sees new rows, and within an hour's lag it still serves.
                sql(replica, "SELECT pg_wal_replay_pause()");
                NewJob second = DatabaseStoreRules.job("r");
                store.enqueue(List.of(second));
                assertThat(store.get(second.id())).as("single-job reads go to the primary").isPresent();
                await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5))
                        .until(() -> !ids(store).contains(second.id()));
                StoreStatus status = store.status();
                assertThat(status.pools()).extracting(StoreStatus.Pool::role).containsExactly("primary", "replica");
                assertThat(status.replica().serving()).isTrue();
                assertThat(status.replica().fallbacks()).isZero();
            }

            // The same replica, paused, against a limit of 200 ms: reads go to the primary.
            try (DatabaseJobStore strict = DatabaseJobStore.open(DatabaseOptions.builder(primary.url())
                    .user(primary.user()).readUrl(replica.url()).readMaxLag(Duration.ofMillis(200)).build())) {
                NewJob third = DatabaseStoreRules.job("r");
                strict.enqueue(List.of(third));
                await().atMost(Duration.ofSeconds(10)).until(() -> ids(strict).contains(third.id()));
                assertThat(strict.status().replica()).satisfies(r -> {
                    assertThat(r.serving()).isFalse();
                    assertThat(r.reason()).contains("behind");
                    assertThat(r.fallbacks()).isPositive();
                });
                sql(replica, "SELECT pg_wal_replay_resume()");
                await().atMost(Duration.ofSeconds(10)).until(() -> {
                    ids(strict);
                    return strict.status().replica().serving();
                });

                // The replica dies: reads still work, from the primary.
                replica.stop(PrivatePostgres.Mode.IMMEDIATE);
                NewJob fourth = DatabaseStoreRules.job("r");
                strict.enqueue(List.of(fourth));
                await().atMost(Duration.ofSeconds(10)).until(() -> ids(strict).contains(fourth.id()));
                assertThat(strict.counts()).singleElement().satisfies(c -> assertThat(c.queue()).isEqualTo("r"));
                assertThat(strict.status().replica()).satisfies(r -> {
                    assertThat(r.serving()).isFalse();
                    assertThat(r.reason()).contains("failed");
                });
                replica.start();
            }
        }
    }
}
