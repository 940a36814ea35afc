package io.bulwark.jdbc;

import io.bulwark.jdbc.database.DatabaseOptions;
import io.bulwark.jdbc.database.internal.Migrations;
import io.bulwark.jdbc.sqlite.SqliteOptions;
import io.bulwark.jdbc.sqlite.internal.Database;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.output.ValidateResult;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The versioned schema of a JDBC store, for operators and CI: apply pending migrations, list
 * them, check that the database matches this binary. Flyway underneath, with the store's own
 * migration set and history table.
 *
 * <pre>{@code
 * StoreSchema schema = StoreSchema.database(DatabaseOptions.builder(url).user(u).password(p).build());
 * int applied = schema.migrate();
 * schema.info().forEach(System.out::println);
 * }</pre>
 */
public final class StoreSchema {

    /**
     * One migration and where the database stands with it.
     *
     * @param version its version, e.g. {@code 2}
     * @param description what it does
     * @param state Flyway's word: {@code Success}, {@code Pending}, {@code Future}, {@code Failed}, ...
     * @param installedOn when it was applied, ISO-8601, or null
     */
    public record Migration(String version, String description, String state, String installedOn) {
    }

    private final Flyway flyway;
    private final String location;
    /** The database store's options; null for the embedded store, whose single writer needs no lock. */
    private final DatabaseOptions database;

    private StoreSchema(Flyway flyway, String location, DatabaseOptions database) {
        this.flyway = flyway;
        this.location = location;
        this.database = database;
    }

    /** The schema of a PostgreSQL or MariaDB store. */
    public static StoreSchema database(DatabaseOptions options) {
        return new StoreSchema(Migrations.flyway(options.dialect(), options),
                io.bulwark.jdbc.database.StoreUrls.redact(options.url()), options);
    }

    /** The schema of the embedded store in {@code dataDir} (created when missing, owner-only, as the store does). */
    public static StoreSchema embedded(Path dataDir) {
        Path file = dataDir.toAbsolutePath().resolve(io.bulwark.jdbc.sqlite.SqliteJobStore.FILE_NAME);
        try {
            Database.createOwnerOnly(dataDir, file);
        } catch (java.io.IOException e) {
            throw new StoreException("SQLite job store", file.toString(), "open", "cannot create the data directory: "
                    + e, e);
        }
        return new StoreSchema(Database.flyway(file, SqliteOptions.defaults()), file.toString(), null);
    }

    /**
     * Applies the pending migrations, each once (a database lock keeps concurrent callers from
     * applying one twice); a failed migration leaves the schema at the last one that worked.
     *
     * @return how many were applied; 0 when the schema was current
     * @throws StoreException naming the migration that failed and why
     */
    public int migrate() {
        try {
            if (database != null) {
                return Migrations.migrate(database);
            }
            Migrations.requireNotNewer(flyway.info());
            return flyway.migrate().migrationsExecuted;
        } catch (FlywayException | Migrations.SchemaTooNewException e) {
            throw new StoreException("store", location, "migrate", e.getMessage(), e);
        }
    }

    /** Every migration, applied or pending, oldest first. */
    public List<Migration> info() {
        try {
            return Arrays.stream(flyway.info().all())
                    .filter(i -> i.getVersion() != null)
                    .map(StoreSchema::row)
                    .toList();
        } catch (FlywayException e) {
            throw new StoreException("store", location, "info", e.getMessage(), e);
        }
    }

    /**
     * What is wrong between the database and this binary's migrations (a pending, failed, changed
     * or unknown migration); empty when they match.
     */
    public List<String> validate() {
        try {
            ValidateResult result = flyway.validateWithResult();
            if (result.validationSuccessful) {
                return List.of();
            }
            return result.invalidMigrations.stream()
                    .map(m -> "version " + m.version + " (" + m.filepath + "): " + m.errorDetails.errorMessage)
                    .toList();
        } catch (FlywayException e) {
            throw new StoreException("store", location, "validate", e.getMessage(), e);
        }
    }

    private static Migration row(MigrationInfo i) {
        return new Migration(i.getVersion().getVersion(), i.getDescription(), i.getState().getDisplayName(),
                i.getInstalledOn() == null ? null : i.getInstalledOn().toInstant().toString());
    }

    @Override
    public String toString() {
        return "schema of " + location;
    }
}
