package io.bulwark.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.cli.internal.CliException;
import io.bulwark.cli.internal.ConfigOptions;
import io.bulwark.cli.internal.Output;
import io.bulwark.core.config.BulwarkConfig;
import io.bulwark.jdbc.StoreException;
import io.bulwark.jdbc.StoreSchema;
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
                StoreCommand.Validate.class})
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

    /** The schema commands' shared part: load the configuration, name the store, turn failures into exit 1. */
    abstract static class SchemaCommand implements Runnable {
        @Mixin
        ConfigOptions options;

        @Mixin
        OutputOption output;

        @CommandLine.Unmatched
        List<String> extra = new ArrayList<>();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            BulwarkConfig config = options.load(ServerKeys.schema(), BulwarkCommand.root(spec).env(), extra);
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
}
