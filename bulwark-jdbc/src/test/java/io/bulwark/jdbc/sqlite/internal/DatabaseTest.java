package io.bulwark.jdbc.sqlite.internal;

import io.bulwark.jdbc.sqlite.SqliteOptions;
import org.flywaydb.core.api.MigrationInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** A start skips Flyway only when the schema history holds exactly this binary's migrations. */
class DatabaseTest {

    private final SqliteOptions options = SqliteOptions.defaults();

    @Test
    void theLatestVersionIsTheHighestMigrationFlywayFinds(@TempDir Path dir) {
        MigrationInfo[] all = Database.flyway(dir.resolve("jobs.db"), options).info().all();
        int highest = Arrays.stream(all).mapToInt(m -> Integer.parseInt(m.getVersion().getVersion())).max().orElseThrow();
        assertThat(Database.LATEST_VERSION).as("Database.LATEST_VERSION after adding a migration").isEqualTo(highest);
        assertThat(all).hasSize(Database.LATEST_VERSION);
    }

    @Test
    void aCurrentSchemaSkipsFlywayAndAnyOtherHistoryGoesToIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("jobs.db");
        assertThat(Database.current(file, options)).as("no file yet").isFalse();
        assertThat(Database.migrate(file, options)).isEqualTo(Database.LATEST_VERSION);
        assertThat(Database.current(file, options)).isTrue();
        assertThat(Database.migrate(file, options)).isZero();

        exec(file, "UPDATE flyway_schema_history SET success = 0 WHERE version = '" + Database.LATEST_VERSION + "'");
        assertThat(Database.current(file, options)).as("a failed migration").isFalse();
        exec(file, "UPDATE flyway_schema_history SET success = 1");

        exec(file, "INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum, "
                + "installed_by, execution_time, success) VALUES (99, '" + (Database.LATEST_VERSION + 1) + "', 'future', "
                + "'SQL', 'V99__future.sql', 0, 'test', 0, 1)");
        assertThat(Database.current(file, options)).as("a newer binary's migration").isFalse();
        exec(file, "DELETE FROM flyway_schema_history WHERE installed_rank = 99");
        assertThat(Database.current(file, options)).isTrue();

        exec(file, "DELETE FROM flyway_schema_history WHERE version = '3'");
        assertThat(Database.current(file, options)).as("a version missing").isFalse();
        exec(file, "DROP TABLE flyway_schema_history");
        assertThat(Database.current(file, options)).as("no history").isFalse();
    }

    private void exec(Path file, String sql) throws Exception {
        try (Connection c = Database.openWriter(file, options); Statement st = c.createStatement()) {
            st.executeUpdate(sql);
        }
    }
}
