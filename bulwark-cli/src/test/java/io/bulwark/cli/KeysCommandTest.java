package io.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.core.json.Json;
import io.bulwark.server.BulwarkServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class KeysCommandTest {

    @TempDir
    Path dir;

    @Test
    void createsListsAndRevokesKeysOfflineAgainstTheDataDirectory() throws Exception {
        String d = dir.toString();
        CliRun created = CliRun.run("keys", "create", "--role", "operator", "--name", "ci", "--data-dir", d);
        assertThat(created.exit()).as(created.err()).isZero();
        assertThat(created.out()).contains("Created API key 'ci'").contains("role operator").containsPattern("bwk_[0-9a-f]{12}_");

        CliRun json = CliRun.run("keys", "create", "--role", "viewer", "--name", "dash", "--data-dir", d, "--output", "json");
        JsonNode key = Json.mapper().readTree(json.out());
        assertThat(key.get("key").asText()).startsWith("bwk_");

        CliRun duplicate = CliRun.run("keys", "create", "--role", "viewer", "--name", "dash", "--data-dir", d);
        assertThat(duplicate.exit()).isEqualTo(1);
        assertThat(duplicate.err()).contains("an API key named 'dash' already exists");

        CliRun list = CliRun.run("keys", "list", "--data-dir", d);
        assertThat(list.out()).containsPattern("ID\\s+NAME\\s+ROLE\\s+CREATEDAT").contains("ci").contains("dash")
                .doesNotContain(key.get("key").asText());

        assertThat(CliRun.run("keys", "revoke", "dash", "--data-dir", d).exit()).isZero();
        assertThat(CliRun.run("keys", "revoke", "dash", "--data-dir", d).exit()).isEqualTo(1);
        JsonNode after = Json.mapper().readTree(CliRun.run("keys", "list", "--data-dir", d, "-o", "json").out());
        assertThat(after.get("keys")).hasSize(1);
    }

    @Test
    void managesKeysOnARunningServerWithAnAdminKey() throws Exception {
        String admin = Json.mapper().readTree(CliRun.run("keys", "create", "--role", "admin", "--name", "root",
                "--data-dir", dir.toString(), "-o", "json").out()).get("key").asText();
        var config = CliServers.config(dir, Map.of());
        try (BulwarkServer server = BulwarkServer.builder(config).build().start()) {
            Map<String, String> env = Map.of("BULWARK_URL", server.uri().toString(), "BULWARK_API_KEY", admin);
            CliRun created = CliRun.run(env, "keys", "create", "--role", "viewer", "--name", "grafana", "-o", "json");
            assertThat(created.exit()).as(created.err()).isZero();
            assertThat(Json.mapper().readTree(created.out()).get("role").asText()).isEqualTo("viewer");

            CliRun list = CliRun.run(env, "keys", "list");
            assertThat(list.out()).contains("grafana").contains("root");
            assertThat(CliRun.run(env, "keys", "revoke", "grafana").exit()).isZero();

            CliRun unauthorized = CliRun.run(Map.of("BULWARK_URL", server.uri().toString()), "keys", "list");
            assertThat(unauthorized.exit()).isEqualTo(1);
            assertThat(unauthorized.err()).contains("(401)").contains("needs an API key");

            CliRun nobody = CliRun.run(Map.of(), "keys", "list", "--url", "http://127.0.0.1:1");
            assertThat(nobody.exit()).isEqualTo(1);
            assertThat(nobody.err()).contains("cannot connect to http://127.0.0.1:1");
        }
    }

    @Test
    void serveRefusesACorruptKeyFileWithExitCode2NamingIt() throws Exception {
        java.nio.file.Files.writeString(dir.resolve("keys.json"), "{ not json");
        CliRun serve = CliRun.run("serve", "--data-dir", dir.toString(), "--port", "0");
        assertThat(serve.exit()).as(serve.err()).isEqualTo(2);
        assertThat(serve.err()).contains("cannot read the API keys in").contains("keys.json").contains("not valid JSON");
    }

    @Test
    void keyCommandsOnACorruptKeyFileSayWhatIsWrongWithoutAStackTrace() throws Exception {
        java.nio.file.Files.writeString(dir.resolve("keys.json"), "{ not json");
        CliRun list = CliRun.run("keys", "list", "--data-dir", dir.toString());
        assertThat(list.exit()).isEqualTo(1);
        assertThat(list.err()).contains("cannot read the API keys in").contains("not valid JSON").doesNotContain("\tat ");
    }
}
