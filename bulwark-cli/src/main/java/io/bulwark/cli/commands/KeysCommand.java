package io.bulwark.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.cli.internal.ApiClient;
import io.bulwark.cli.internal.CliException;
import io.bulwark.cli.internal.Output;
import io.bulwark.core.config.ConfigInputs;
import io.bulwark.core.config.ConfigLoader;
import io.bulwark.server.ServerKeys;
import io.bulwark.server.auth.ApiKey;
import io.bulwark.server.auth.ApiKeyStore;
import io.bulwark.server.auth.CreatedKey;
import io.bulwark.server.auth.Role;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code bulwark keys create | list | revoke}. Offline against the data directory by default;
 * against a server's {@code /api/v1/keys} when {@code --url} or {@code BULWARK_URL} is set and no
 * {@code --data-dir} is given.
 */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "Manage API keys (roles: viewer, operator, admin).",
        subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class})
final class KeysCommand extends GroupCommand {

    /** Where the keys are: a data directory, or a server. */
    static final class Target {
        @Option(names = "--data-dir", paramLabel = "DIR", description = "Work offline on this data directory (default: data.dir from config).")
        Path dataDir;

        @Option(names = "--config", paramLabel = "FILE", description = "Config file to read data.dir from.")
        Path config;

        @Option(names = "--url", paramLabel = "URL", description = "Server to manage keys on (env BULWARK_URL).")
        String url;

        @Option(names = "--api-key", paramLabel = "KEY", description = "Admin API key for --url (env BULWARK_API_KEY).")
        String apiKey;

        Optional<ApiClient> remote(Map<String, String> env) {
            String u = url != null ? url : dataDir == null ? env.get("BULWARK_URL") : null;
            if (url != null && dataDir != null) {
                throw CliException.usage("give either --url (a server) or --data-dir (offline), not both");
            }
            if (u == null || u.isBlank()) {
                return Optional.empty();
            }
            return Optional.of(new ApiClient(u, apiKey != null ? apiKey : env.get("BULWARK_API_KEY")));
        }

        ApiKeyStore offline(Map<String, String> env) {
            Path dir = dataDir;
            if (dir == null) {
                var inputs = new ConfigInputs(Optional.ofNullable(config), Path.of("").toAbsolutePath(), env, Map.of(), Optional.empty());
                dir = Path.of(ConfigLoader.load(ServerKeys.schema(), inputs).get(ServerKeys.DATA_DIR));
            }
            return ApiKeyStore.open(dir, InstantSource.system());
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a key; it is printed once and never again.")
    static final class Create implements Runnable {
        @Option(names = "--role", required = true, paramLabel = "ROLE", description = "viewer, operator or admin.")
        String role;

        @Option(names = "--name", required = true, paramLabel = "NAME", description = "A unique label, e.g. ci.")
        String name;

        @Mixin
        Target target;

        @Mixin
        OutputOption output;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            Map<String, String> env = BulwarkCommand.root(spec).env();
            Role parsed;
            try {
                parsed = Role.parse(role);
            } catch (IllegalArgumentException e) {
                throw CliException.usage("--role " + e.getMessage());
            }
            Map<String, Object> view;
            Optional<ApiClient> remote = target.remote(env);
            if (remote.isPresent()) {
                JsonNode body = remote.get().post("/api/v1/keys", Map.of("name", name, "role", parsed.id()));
                view = row(body);
                view.put("key", body.path("key").asText());
            } else {
                CreatedKey created;
                try {
                    created = target.offline(env).create(name, parsed);
                } catch (IllegalArgumentException e) {
                    throw CliException.usage("--name " + e.getMessage());
                } catch (IllegalStateException e) {
                    throw CliException.failure(e.getMessage());
                }
                view = row(created.key());
                view.put("key", created.plaintext());
            }
            PrintWriter out = spec.commandLine().getOut();
            if (output.json()) {
                Output.json(out, view);
                return;
            }
            out.println("Created API key '" + view.get("name") + "' (id " + view.get("id") + ", role " + view.get("role")
                    + "). It is shown only now; store it safely:");
            out.println(view.get("key"));
            out.flush();
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List keys (never their values).")
    static final class ListKeys implements Runnable {
        @Mixin
        Target target;

        @Mixin
        OutputOption output;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            Map<String, String> env = BulwarkCommand.root(spec).env();
            List<Map<String, Object>> rows = new ArrayList<>();
            Optional<ApiClient> remote = target.remote(env);
            if (remote.isPresent()) {
                String cursor = null;
                do {
                    JsonNode page = remote.get().get("/api/v1/keys?limit=500" + (cursor == null ? "" : "&cursor=" + cursor));
                    page.path("items").forEach(k -> rows.add(row(k)));
                    cursor = page.hasNonNull("nextCursor") ? page.get("nextCursor").asText() : null;
                } while (cursor != null);
            } else {
                target.offline(env).list().forEach(k -> rows.add(row(k)));
            }
            PrintWriter out = spec.commandLine().getOut();
            if (output.json()) {
                Output.json(out, Map.of("keys", rows));
            } else {
                Output.table(out, List.of("id", "name", "role", "createdAt"), rows);
            }
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a key by id or name; it stops working at once.")
    static final class Revoke implements Runnable {
        @Parameters(paramLabel = "ID_OR_NAME", description = "The key's id or name.")
        String idOrName;

        @Mixin
        Target target;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            Map<String, String> env = BulwarkCommand.root(spec).env();
            Optional<ApiClient> remote = target.remote(env);
            if (remote.isPresent()) {
                remote.get().delete("/api/v1/keys/" + java.net.URLEncoder.encode(idOrName, java.nio.charset.StandardCharsets.UTF_8));
            } else if (target.offline(env).revoke(idOrName).isEmpty()) {
                throw CliException.failure("no API key has the id or name '" + idOrName + "'");
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println("Revoked API key '" + idOrName + "'.");
            out.flush();
        }
    }

    /** A key as the API returned it, in the columns the CLI prints. */
    private static Map<String, Object> row(JsonNode k) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", k.path("id").asText());
        row.put("name", k.path("name").asText());
        row.put("role", k.path("role").asText());
        row.put("createdAt", k.path("createdAt").asText());
        return row;
    }

    private static Map<String, Object> row(ApiKey k) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", k.id());
        row.put("name", k.name());
        row.put("role", k.role().id());
        row.put("createdAt", k.createdAt().toString());
        return row;
    }
}
