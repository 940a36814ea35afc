package io.bulwark.cli;

import io.bulwark.test.db.TestDatabase;
import io.bulwark.test.services.LocalService;
import io.bulwark.test.services.RequiresService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code bulwark store migrate | info | validate} against the configured store, without a server. */
class StoreCommandTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = LocalService.class, names = {"POSTGRESQL", "MARIADB"})
    @RequiresService({LocalService.POSTGRESQL, LocalService.MARIADB})
    void migratesADatabaseOnceListsItsMigrationsAndValidatesIt(LocalService server) {
        try (TestDatabase db = TestDatabase.create(server)) {
            String[] store = {"--store.url=" + db.url(), "--store.user=" + db.user(), "--data-dir=" + dir};
            CliRun pending = CliRun.run(args("store", "info", store));
            assertThat(pending.exit()).as(pending.err()).isZero();
            assertThat(pending.out()).containsPattern("1\\s+jobs\\s+Pending").containsPattern("2\\s+state\\s+Pending");
            assertThat(CliRun.run(args("store", "validate", store)).exit()).as("pending migrations do not match")
                    .isEqualTo(1);

            CliRun migrated = CliRun.run(args("store", "migrate", store));
            assertThat(migrated.exit()).as(migrated.err()).isZero();
            assertThat(migrated.out()).contains("Applied 2 migration(s); schema is at version 2.");
            assertThat(CliRun.run(args("store", "migrate", store)).out())
                    .contains("Schema is current at version 2; nothing to apply.");
            assertThat(CliRun.run(args("store", "info", store)).out()).containsPattern("2\\s+state\\s+Success");
            CliRun valid = CliRun.run(args("store", "validate", store));
            assertThat(valid.exit()).as(valid.err()).isZero();
            assertThat(valid.out()).contains("Schema matches this Bulwark.");
        }
    }

    @Test
    void theEmbeddedStoreMigratesInItsDataDirectory() {
        CliRun migrated = CliRun.run("store", "migrate", "--data-dir", dir.toString(), "-o", "json");
        assertThat(migrated.exit()).as(migrated.err()).isZero();
        assertThat(migrated.out()).contains("\"applied\" : 2").contains("\"schemaVersion\" : \"2\"");
        assertThat(dir.resolve("jobs.db")).exists();
    }

    @Test
    void anUnreachableDatabaseExitsOneAndABadUrlExitsTwo() {
        CliRun down = CliRun.run("store", "migrate", "--store.url=jdbc:postgresql://127.0.0.1:1/app",
                "--store.password=hunter2-secret", "--data-dir=" + dir);
        assertThat(down.exit()).isEqualTo(1);
        assertThat(down.err()).contains("127.0.0.1:1").doesNotContain("hunter2-secret");
        CliRun bad = CliRun.run("store", "migrate", "--store.url=jdbc:oracle:thin:@x", "--data-dir=" + dir);
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("store.url");
    }

    private static String[] args(String a, String b, String[] rest) {
        String[] all = new String[rest.length + 2];
        all[0] = a;
        all[1] = b;
        System.arraycopy(rest, 0, all, 2, rest.length);
        return all;
    }
}
