package io.bulwark.jdbc.database;

import io.bulwark.test.db.PrivatePostgres;
import io.bulwark.test.db.TestDatabase;
import io.bulwark.test.services.LocalService;
import io.bulwark.test.services.RequiresService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where the store's statement figures come from: PostgreSQL's pg_stat_statements once the extension
 * is installed and loaded (a private server started with it in shared_preload_libraries), the
 * store's own timings of its operations before that and on MariaDB, with a note saying why.
 */
class StatementStatsTest {

    @TempDir
    Path dir;

    private static void sql(PrivatePostgres pg, String... statements) throws Exception {
        try (Connection c = DriverManager.getConnection(pg.url(), pg.user(), null); Statement st = c.createStatement()) {
            for (String statement : statements) {
                st.execute(statement);
            }
        }
    }

    private static StatementStats.Statement named(StatementStats stats, String text) {
        return stats.statements().stream().filter(s -> s.text().equals(text)).findFirst()
                .orElseThrow(() -> new AssertionError("no '" + text + "' in " + stats));
    }

    @Test
    void theStoresOwnTimingsUntilPgStatStatementsIsInstalledThenTheViewForThisDatabaseAndUser() throws Exception {
        try (PrivatePostgres pg = PrivatePostgres.start(dir, List.of("shared_preload_libraries=pg_stat_statements"));
             DatabaseJobStore store = DatabaseJobStore.open(DatabaseOptions.builder(pg.url()).user(pg.user()).build())) {
            store.enqueue(List.of(DatabaseStoreRules.job("s")));
            store.enqueue(List.of(DatabaseStoreRules.job("s")));

            StatementStats own = store.statements();
            assertThat(own.source()).isEqualTo(StatementStats.OPERATIONS);
            assertThat(own.note()).contains("pg_stat_statements extension is not installed", "CREATE EXTENSION");
            StatementStats.Statement enqueue = named(own, "store operation 'enqueue'");
            assertThat(enqueue.calls()).isEqualTo(2);
            assertThat(enqueue.totalMillis()).isPositive().isGreaterThanOrEqualTo(enqueue.maxMillis());

            sql(pg, "CREATE EXTENSION pg_stat_statements");
            sql(pg, "SELECT pg_sleep(0.02)", "SELECT pg_sleep(0.02)", "SELECT pg_sleep(0.02)");
            store.enqueue(List.of(DatabaseStoreRules.job("s")));

            StatementStats view = store.statements();
            assertThat(view.source()).isEqualTo(StatementStats.PG_STAT_STATEMENTS);
            assertThat(view.note()).isEmpty();
            StatementStats.Statement sleep = named(view, "SELECT pg_sleep($1)");
            assertThat(sleep.calls()).isEqualTo(3);
            assertThat(sleep.totalMillis()).isGreaterThanOrEqualTo(60);
            assertThat(sleep.maxMillis()).isGreaterThanOrEqualTo(20);
            assertThat(view.statements()).as("the store's own statements, normalised by PostgreSQL")
                    .anyMatch(s -> s.text().startsWith("INSERT INTO") && s.text().contains("bulwark_jobs"));
            assertThat(view.statements()).as("most total time first").isSortedAccordingTo(
                    (a, b) -> Double.compare(b.totalMillis(), a.totalMillis()));
            assertThat(view.statements()).noneMatch(s -> s.text().contains("pg_stat_statements"));
        }
    }

    @Test
    @RequiresService(LocalService.MARIADB)
    void mariaDbHasNoSuchViewSoTheStoreTimesItsOperations() {
        try (TestDatabase db = TestDatabase.create(LocalService.MARIADB);
             DatabaseJobStore store = DatabaseJobStore.open(DatabaseOptions.builder(db.url()).user(db.user()).build())) {
            store.enqueue(List.of(DatabaseStoreRules.job("m")));
            store.counts();
            StatementStats stats = store.statements();
            assertThat(stats.source()).isEqualTo(StatementStats.OPERATIONS);
            assertThat(stats.note()).contains("MariaDB has no pg_stat_statements");
            assertThat(named(stats, "store operation 'enqueue'").calls()).isEqualTo(1);
            assertThat(named(stats, "store operation 'counts'").calls()).isEqualTo(1);
        }
    }
}
