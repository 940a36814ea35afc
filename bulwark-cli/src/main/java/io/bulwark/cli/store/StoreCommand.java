package io.bulwark.cli.store;

import io.bulwark.cli.commands.ApiCommand;
import io.bulwark.cli.commands.GroupCommand;
import io.bulwark.cli.commands.OutputOption;
import io.bulwark.cli.commands.BulwarkCommand;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.cli.internal.CliException;
import io.bulwark.cli.internal.ConfigOptions;
import io.bulwark.cli.internal.Output;
import io.bulwark.core.config.BulwarkConfig;
import io.bulwark.jdbc.StoreException;
import io.bulwark.jdbc.StoreSchema;
import io.bulwark.jdbc.backup.StoreBackup;
import io.bulwark.cli.internal.ProgressBar;
import io.bulwark.server.ServerKeys;
import io.bulwark.server.StoreKeys;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code bulwark store status | migrate | info | validate}. {@code status} asks a running server;
 * the schema commands work on the database that the configuration names ({@code --store.url},
 * {@code --store.user}, {@code --store.password}, or {@code --data-dir} for the embedded store),
 * without a server, so that CI can migrate before a deploy.
 */
@Command(name = "store", mixinStandardHelpOptions = true,
        description = "The job store: status of a running server, schema migrations for CI.",
        subcommands = {StoreCommand.Status.class, StoreCommand.Migrate.class, StoreCommand.Info.class,
                StoreCommand.Validate.class, StoreCommand.Backup.class, StoreCommand.Restore.class})
final class StoreCommand extends GroupCommand {

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Dialect, versions and connection pools of the server's store.")
    static final class Status extends ApiCommand implements Runnable {
        @Override
        public void run() {
            JsonNode s = client().get("/api/v1/store");
            PrintWriter out = out();
            if (output.json()) {
                Output.json(out, s);
                return;
            }
            out.println("store:   " + s.path("dialect").asText() + " " + s.path("serverVersion").asText() + " at "
                    + s.path("location").asText());
            out.println("schema:  version " + s.path("schemaVersion").asText());
            List<Map<String, Object>> rows = new ArrayList<>();
            for (JsonNode p : s.path("pools")) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (String f : List.of("name", "role", "active", "idle", "waiting", "max", "timeouts")) {
                    row.put(f, p.path(f).asText());
                }
                rows.add(row);
            }
            Output.table(out, List.of("name", "role", "active", "idle", "waiting", "max", "timeouts"), rows);
        }
    }

    /** A command on the store the configuration names, without a server: the same config options as serve. */
    abstract static class ConfiguredCommand implements Runnable {
        @Mixin
        ConfigOptions options;

        @Mixin
        OutputOption output;

        @CommandLine.Unmatched
        List<String> extra = new ArrayList<>();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        BulwarkConfig config() {
            return options.load(ServerKeys.schema(), BulwarkCommand.root(spec).env(), extra);
        }
    }

    /** The schema commands' shared part: name the store, turn failures into exit 1. */
    abstract static class SchemaCommand extends ConfiguredCommand {

        @Override
        public void run() {
            BulwarkConfig config = config();
            PrintWriter out = spec.commandLine().getOut();
            try {
                run(StoreKeys.schema(config), out);
            } catch (StoreException e) {
                throw CliException.failure(e.getMessage());
            }
            out.flush();
        }

        abstract void run(StoreSchema schema, PrintWriter out);
    }

    @Command(name = "migrate", mixinStandardHelpOptions = true,
            description = {"Apply pending migrations to the configured store; a no-op when it is current.",
                    "Safe to run from many places at once: a database lock lets one apply each migration."})
    static final class Migrate extends SchemaCommand {
        @Override
        void run(StoreSchema schema, PrintWriter out) {
            int applied = schema.migrate();
            String version = schema.info().stream().filter(m -> m.installedOn() != null)
                    .reduce((a, b) -> b).map(StoreSchema.Migration::version).orElse("none");
            if (output.json()) {
                Output.json(out, Map.of("applied", applied, "schemaVersion", version));
            } else {
                out.println(applied == 0 ? "Schema is current at version " + version + "; nothing to apply."
                        : "Applied " + applied + " migration(s); schema is at version " + version + ".");
            }
        }
    }

    @Command(name = "info", mixinStandardHelpOptions = true, description = "Every migration and whether it is applied.")
    static final class Info extends SchemaCommand {
        @Override
        void run(StoreSchema schema, PrintWriter out) {
            List<StoreSchema.Migration> all = schema.info();
            if (output.json()) {
                Output.json(out, all);
                return;
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            for (StoreSchema.Migration m : all) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("version", m.version());
                row.put("description", m.description());
                row.put("state", m.state());
                row.put("installedOn", m.installedOn() == null ? "" : m.installedOn());
                rows.add(row);
            }
            Output.table(out, List.of("version", "description", "state", "installedOn"), rows);
        }
    }

    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = "Check that the database's schema matches this binary: exit 0 when it does, 1 listing what differs.")
    static final class Validate extends SchemaCommand {
        @Override
        void run(StoreSchema schema, PrintWriter out) {
            List<String> problems = schema.validate();
            if (!problems.isEmpty()) {
                throw CliException.failure("the schema does not match this Bulwark:\n  " + String.join("\n  ", problems));
            }
            if (output.json()) {
                Output.json(out, Map.of("valid", true));
            } else {
                out.println("Schema matches this Bulwark.");
            }
        }
    }

    /** Backup and restore: the configured store, with a progress bar on the error stream. */
    abstract static class CopyCommand extends ConfiguredCommand {

        @Override
        public void run() {
            BulwarkConfig config = config();
            java.nio.file.Path dataDir = java.nio.file.Path.of(config.get(ServerKeys.DATA_DIR)).toAbsolutePath().normalize();
            StoreBackup store = StoreKeys.embedded(config) ? StoreBackup.embedded(dataDir)
                    : StoreBackup.database(StoreKeys.databaseOptions(config));
            ProgressBar bar = new ProgressBar(spec.commandLine().getErr(), spec.name(), "rows", ProgressBar.terminal());
            StoreBackup.Progress progress = new StoreBackup.Progress() {
                @Override
                public void start(long totalRows) {
                    bar.start(totalRows);
                }

                @Override
                public void rows(long done) {
                    bar.update(done);
                }
            };
            long started = System.nanoTime();
            StoreBackup.Summary summary;
            try {
                summary = copy(store, dataDir, progress);
            } catch (StoreException e) {
                throw CliException.failure(e.getMessage());
            } catch (IllegalArgumentException e) {
                // A file that is not a whole backup: bad input.
                throw CliException.usage(e.getMessage());
            } catch (IllegalStateException e) {
                throw CliException.failure(e.getMessage());
            } catch (java.io.IOException e) {
                throw CliException.failure(spec.name() + " failed: " + e.getMessage());
            }
            bar.finish(summary.total());
            double seconds = (System.nanoTime() - started) / 1e9;
            PrintWriter out = spec.commandLine().getOut();
            if (output.json()) {
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("source", summary.source());
                json.put("rows", summary.rows());
                json.put("files", summary.files().keySet());
                json.put("seconds", Math.round(seconds * 1000) / 1000.0);
                Output.json(out, json);
            } else {
                out.println(done(summary, seconds));
            }
            out.flush();
        }

        abstract StoreBackup.Summary copy(StoreBackup store, java.nio.file.Path dataDir, StoreBackup.Progress progress)
                throws java.io.IOException;

        abstract String done(StoreBackup.Summary summary, double seconds);
    }

    @Command(name = "backup", mixinStandardHelpOptions = true,
            description = {"Write a consistent snapshot of the configured store (jobs, history, queue settings, state, "
                    + "and the data directory's API keys) to FILE, gzipped JSON lines, restorable into any store.",
                    "Safe while servers run: it reads one snapshot."})
    static final class Backup extends CopyCommand {
        @CommandLine.Option(names = "--to", required = true, paramLabel = "FILE", description = "Where to write the backup.")
        java.nio.file.Path to;

        @CommandLine.Option(names = "--force", description = "Replace FILE when it exists.")
        boolean force;

        @Override
        StoreBackup.Summary copy(StoreBackup store, java.nio.file.Path dataDir, StoreBackup.Progress progress)
                throws java.io.IOException {
            if (java.nio.file.Files.exists(to) && !force) {
                throw CliException.usage(to + " exists; choose another file or pass --force");
            }
            java.nio.file.Path parent = to.toAbsolutePath().getParent();
            if (parent != null && !java.nio.file.Files.isDirectory(parent)) {
                throw CliException.usage("--to " + to + ": " + parent + (java.nio.file.Files.exists(parent)
                        ? " is not a directory" : " does not exist; create it first"));
            }
            Map<String, String> files = new LinkedHashMap<>();
            java.nio.file.Path keys = dataDir.resolve(io.bulwark.server.auth.ApiKeyStore.FILE);
            if (java.nio.file.Files.isRegularFile(keys)) {
                files.put(io.bulwark.server.auth.ApiKeyStore.FILE, java.nio.file.Files.readString(keys));
            }
            java.nio.file.Path partial = to.resolveSibling(to.getFileName() + ".partial");
            StoreBackup.Summary summary;
            try (java.io.OutputStream out = java.nio.file.Files.newOutputStream(partial)) {
                summary = store.backup(out, progress, files);
            } catch (java.io.IOException | RuntimeException e) {
                java.nio.file.Files.deleteIfExists(partial);
                throw e;
            }
            // Renamed only when whole, so FILE is never a half-written backup.
            java.nio.file.Files.move(partial, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return summary;
        }

        @Override
        String done(StoreBackup.Summary s, double seconds) {
            return String.format(java.util.Locale.ROOT, "Backed up %,d jobs, %,d history rows, %,d queues, %,d state "
                            + "documents, %,d schedules, %,d pipeline versions, %,d pipeline runs%s to %s in %.1f s.",
                    s.rows().getOrDefault("job", 0L), s.rows().getOrDefault("history", 0L),
                    s.rows().getOrDefault("queue", 0L), s.rows().getOrDefault("state", 0L),
                    s.rows().getOrDefault("schedule", 0L), s.rows().getOrDefault("pipeline", 0L),
                    s.rows().getOrDefault("pipelineRun", 0L), s.files().isEmpty() ? "" : " and the API keys", to, seconds);
        }
    }

    @Command(name = "restore", mixinStandardHelpOptions = true,
            description = {"Restore a backup into the configured store, which must be empty (migrated first); all or "
                    + "nothing. Run it while no server uses the store.",
                    "The API keys in the backup go to the data directory unless it has keys already."})
    static final class Restore extends CopyCommand {
        @CommandLine.Option(names = "--from", required = true, paramLabel = "FILE", description = "The backup to restore.")
        java.nio.file.Path from;

        private String keysNote = "";

        @Override
        StoreBackup.Summary copy(StoreBackup store, java.nio.file.Path dataDir, StoreBackup.Progress progress)
                throws java.io.IOException {
            if (!java.nio.file.Files.isRegularFile(from)) {
                throw CliException.usage("no backup file at " + from);
            }
            StoreBackup.Summary summary;
            try (java.io.InputStream in = java.nio.file.Files.newInputStream(from)) {
                summary = store.restore(in, progress);
            }
            String keys = summary.files().get(io.bulwark.server.auth.ApiKeyStore.FILE);
            if (keys != null) {
                java.nio.file.Path target = dataDir.resolve(io.bulwark.server.auth.ApiKeyStore.FILE);
                if (java.nio.file.Files.exists(target)) {
                    keysNote = " The data directory has API keys already; the backup's were not written.";
                } else {
                    java.nio.file.Files.createDirectories(dataDir);
                    java.nio.file.Files.writeString(target, keys);
                    try {
                        java.nio.file.Files.setPosixFilePermissions(target,
                                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
                    } catch (UnsupportedOperationException e) {
                        // Not a POSIX file system: the directory's own protection applies.
                    }
                    keysNote = " API keys restored to " + target + ".";
                }
            }
            return summary;
        }

        @Override
        String done(StoreBackup.Summary s, double seconds) {
            return String.format(java.util.Locale.ROOT, "Restored %,d jobs, %,d history rows, %,d queues, %,d state "
                            + "documents, %,d schedules, %,d pipeline versions, %,d pipeline runs (backup of a %s store) "
                            + "in %.1f s.%s", s.rows().getOrDefault("job", 0L), s.rows().getOrDefault("history", 0L),
                    s.rows().getOrDefault("queue", 0L), s.rows().getOrDefault("state", 0L),
                    s.rows().getOrDefault("schedule", 0L), s.rows().getOrDefault("pipeline", 0L),
                    s.rows().getOrDefault("pipelineRun", 0L), s.source(), seconds, keysNote);
        }
    }
}
