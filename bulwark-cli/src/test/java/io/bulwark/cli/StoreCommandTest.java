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
            assertThat(migrated.out()).contains("Applied 9 migration(s); schema is at version 9.");
            assertThat(CliRun.run(args("store", "migrate", store)).out())
                    .contains("Schema is current at version 9; nothing to apply.");
            assertThat(CliRun.run(args("store", "info", store)).out()).containsPattern("2\\s+state\\s+Success").containsPattern("3\\s+cluster\\s+Success")
                    .containsPattern("4\\s+schedules\\s+Success").containsPattern("5\\s+pipelines\\s+Success")
                    .containsPattern("6\\s+expiry\\s+Success").containsPattern("7\\s+exact keys\\s+Success")
                    .containsPattern("8\\s+pipeline trace\\s+Success").containsPattern("9\\s+lean writes\\s+Success");
            CliRun valid = CliRun.run(args("store", "validate", store));
            assertThat(valid.exit()).as(valid.err()).isZero();
            assertThat(valid.out()).contains("Schema matches this Bulwark.");
        }
    }

    @Test
    void theEmbeddedStoreMigratesInItsDataDirectory() {
        CliRun migrated = CliRun.run("store", "migrate", "--data-dir", dir.toString(), "-o", "json");
        assertThat(migrated.exit()).as(migrated.err()).isZero();
        assertThat(migrated.out()).contains("\"applied\" : 10").contains("\"schemaVersion\" : \"10\"");
        assertThat(dir.resolve("jobs.db")).exists();
    }

    @Test
    void aDataDirectoryTheStoreCommandsCreateIsTheOwnersAlone() throws Exception {
        Path migrated = dir.resolve("migrated");
        assertThat(CliRun.run("store", "migrate", "--data-dir", migrated.toString()).exit()).isZero();
        CliRun nothing = CliRun.run("store", "backup", "--to", dir.resolve("none.gz").toString(), "--data-dir",
                dir.resolve("nothing-here").toString());
        assertThat(nothing.exit()).isEqualTo(2);
        assertThat(nothing.err()).contains("there is no embedded store at ").contains("to back up");
        assertThat(dir.resolve("nothing-here")).doesNotExist();
        assertThat(dir.resolve("none.gz")).doesNotExist();
        CliRun backup = CliRun.run("store", "backup", "--to", dir.resolve("b.gz").toString(), "--data-dir", migrated.toString());
        assertThat(backup.exit()).as(backup.err()).isZero();
        Path restored = dir.resolve("restored");
        CliRun restore = CliRun.run("store", "restore", "--from", dir.resolve("b.gz").toString(), "--data-dir",
                restored.toString());
        assertThat(restore.exit()).as(restore.err()).isZero();
        for (Path d : new Path[]{migrated, restored}) {
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(java.nio.file.Files.getPosixFilePermissions(d)))
                    .as(d.toString()).isEqualTo("rwx------");
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(java.nio.file.Files.getPosixFilePermissions(
                    d.resolve("jobs.db")))).as(d + "/jobs.db").isEqualTo("rw-------");
        }
    }

    @Test
    void configShowNeverPrintsTheStorePasswordNorOneWrittenIntoTheUrl() {
        CliRun show = CliRun.run("config", "show", "--store.url=jdbc:postgresql://u:pw123@db:5432/app?password=secret9",
                "--store.password=hunter2", "--data-dir=" + dir);
        assertThat(show.exit()).as(show.err()).isZero();
        assertThat(show.out()).contains("jdbc:postgresql://***@db:5432/app?password=***")
                .doesNotContain("pw123").doesNotContain("secret9").doesNotContain("hunter2");
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

    @Test
    @RequiresService(LocalService.POSTGRESQL)
    void aBackupOfTheEmbeddedStoreRestoresIntoPostgresWithItsKeysAndOnlyIntoAnEmptyStore() throws Exception {
        Path origin = dir.resolve("origin");
        assertThat(CliRun.run("keys", "create", "--role", "admin", "--name", "ops", "--data-dir", origin.toString())
                .exit()).isZero();
        try (io.bulwark.jdbc.sqlite.SqliteJobStore store = io.bulwark.jdbc.sqlite.SqliteJobStore.open(origin,
                java.time.InstantSource.system(), io.bulwark.jdbc.sqlite.SqliteOptions.defaults())) {
            io.bulwark.core.ids.Uuid7 ids = new io.bulwark.core.ids.Uuid7(java.time.InstantSource.system(),
                    new java.util.SplittableRandom(1));
            java.util.List<io.bulwark.jobs.store.NewJob> jobs = new java.util.ArrayList<>();
            for (int i = 0; i < 250; i++) {
                jobs.add(new io.bulwark.jobs.store.NewJob(ids.next(), "mail", "t", "{}", 5, null, 3, null, null, null,
                        java.util.Set.of()));
            }
            store.enqueue(jobs);
            store.saveQueueSettings("mail", "{\"paused\":true}");
            store.schedules().save(io.bulwark.scheduler.Schedule.builder("nightly", "@daily")
                    .target(new io.bulwark.scheduler.ScheduleTarget.Job("mail", "t", "{}", null, null)).build(),
                    io.bulwark.scheduler.store.ScheduleRow.API, null);
        }
        Path file = dir.resolve("bulwark.backup.gz");
        CliRun backup = CliRun.run("store", "backup", "--to", file.toString(), "--data-dir", origin.toString());
        assertThat(backup.exit()).as(backup.err()).isZero();
        assertThat(backup.out()).contains("Backed up 250 jobs, 250 history rows, 1 queues, 0 state documents, 1 schedules, "
                + "0 pipeline versions, 0 pipeline runs")
                .contains("and the API keys");
        assertThat(CliRun.run("store", "backup", "--to", file.toString(), "--data-dir", origin.toString()).exit())
                .as("an existing file is kept without --force").isEqualTo(2);
        CliRun nowhere = CliRun.run("store", "backup", "--to", dir.resolve("missing/b.gz").toString(),
                "--data-dir", origin.toString());
        assertThat(nowhere.exit()).isEqualTo(2);
        assertThat(nowhere.err()).contains("--to ").contains("missing does not exist; create it first");
        Path notBackup = dir.resolve("not-a-backup.txt");
        java.nio.file.Files.writeString(notBackup, "hello");
        CliRun foreign = CliRun.run("store", "restore", "--from", notBackup.toString(), "--data-dir",
                dir.resolve("empty").toString());
        assertThat(foreign.exit()).isEqualTo(2);
        assertThat(foreign.err()).isEqualTo("error: this is not a Bulwark store backup (it is not gzipped JSON lines)"
                + System.lineSeparator());
        Path cut = dir.resolve("cut.gz");
        byte[] whole = java.nio.file.Files.readAllBytes(file);
        java.nio.file.Files.write(cut, java.util.Arrays.copyOf(whole, whole.length / 2));
        CliRun damaged = CliRun.run("store", "restore", "--from", cut.toString(), "--data-dir",
                dir.resolve("empty").toString());
        assertThat(damaged.exit()).isEqualTo(2);
        assertThat(damaged.err()).startsWith("error: the backup is damaged or cut short after line ")
                .doesNotContain("\tat ");

        try (TestDatabase db = TestDatabase.create(LocalService.POSTGRESQL)) {
            Path node = dir.resolve("node");
            String[] store = {"--store.url=" + db.url(), "--store.user=" + db.user(), "--data-dir=" + node};
            CliRun restore = CliRun.run(args("store", "restore", concat(store, "--from", file.toString())));
            assertThat(restore.exit()).as(restore.err()).isZero();
            assertThat(restore.out()).contains("Restored 250 jobs, 250 history rows, 1 queues, 0 state documents, 1 schedules")
                    .contains("backup of a sqlite store").contains("API keys restored");
            assertThat(node.resolve("keys.json")).exists();
            assertThat(CliRun.run("keys", "list", "--data-dir", node.toString()).out()).contains("ops");
            try (var c = db.connect(); var st = c.createStatement();
                 var rs = st.executeQuery("SELECT count(*) FROM bulwark_jobs WHERE queue = 'mail'")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(250);
            }
            CliRun again = CliRun.run(args("store", "restore", concat(store, "--from", file.toString())));
            assertThat(again.exit()).isEqualTo(1);
            assertThat(again.err()).contains("is not empty");
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static String[] args(String a, String b, String[] rest) {
        String[] all = new String[rest.length + 2];
        all[0] = a;
        all[1] = b;
        System.arraycopy(rest, 0, all, 2, rest.length);
        return all;
    }
}
