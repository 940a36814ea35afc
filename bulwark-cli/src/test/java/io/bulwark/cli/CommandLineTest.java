package io.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.cli.commands.BulwarkCommand;
import io.bulwark.core.BulwarkVersion;
import io.bulwark.core.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CommandLineTest {

    @TempDir
    Path dir;

    @Test
    void everyCommandHasHelpThatExitsZero() {
        List<List<String>> paths = new ArrayList<>();
        collect(BulwarkCommand.commandLine(Map.of()), new ArrayList<>(), paths);
        assertThat(paths).hasSizeGreaterThanOrEqualTo(10);
        for (List<String> path : paths) {
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            CliRun r = CliRun.run(args.toArray(String[]::new));
            assertThat(r.exit()).as(String.join(" ", args)).isZero();
            assertThat(r.out()).as(String.join(" ", args)).contains("Usage: bulwark");
        }
    }

    private static void collect(CommandLine cl, List<String> prefix, List<List<String>> into) {
        into.add(List.copyOf(prefix));
        cl.getSubcommands().forEach((name, sub) -> {
            if (name.equals("help")) {
                return;
            }
            List<String> next = new ArrayList<>(prefix);
            next.add(name);
            collect(sub, next, into);
        });
    }

    @Test
    void everyCapabilitysCommandsAreComposedIntoTheRoot() {
        var root = BulwarkCommand.commandLine(Map.of());
        for (CliCapability c : CliCapabilities.all()) {
            for (Class<?> command : c.commands()) {
                String name = command.getAnnotation(picocli.CommandLine.Command.class).name();
                assertThat(root.getSubcommands()).as("%s's command %s", c.name(), name).containsKey(name);
            }
        }
        assertThat(root.getSubcommands()).containsKeys("serve", "worker", "config", "keys", "version", "help", "jobs",
                "queues", "dlq", "providers", "breakers", "degradation", "lb", "limits", "store", "nodes", "locks", "schedules",
                "pipelines", "runs");
    }

    @Test
    void aNamedCommandIsBuiltAloneAndReadsAsInTheWholeTree() {
        CommandLine whole = BulwarkCommand.commandLine(Map.of());
        whole.getSubcommands().forEach((name, full) -> {
            if (name.equals("help")) {
                return;
            }
            CommandLine alone = BulwarkCommand.commandLine(Map.of(), new String[] {name, "list"});
            assertThat(alone.getSubcommands().values()).as(name).allMatch(c -> c.getCommandSpec().userObject().getClass()
                    == full.getCommandSpec().userObject().getClass());
            assertThat(alone.getSubcommands().get(name).getUsageMessage()).as(name).isEqualTo(full.getUsageMessage());
        });
        assertThat(BulwarkCommand.commandLine(Map.of(), new String[] {"serv"}).getSubcommands()).as("a misspelt name")
                .containsKeys("serve", "help");
        assertThat(BulwarkCommand.commandLine(Map.of(), new String[0]).getSubcommands()).containsKeys("serve", "help");
    }

    @Test
    void badUsageExitsTwo() {
        assertThat(CliRun.run("frobnicate").exit()).isEqualTo(2);
        assertThat(CliRun.run("keys", "list", "--nope").exit()).isEqualTo(2);
        assertThat(CliRun.run("keys", "create", "--name", "x").exit()).as("missing --role").isEqualTo(2);
        CliRun badRole = CliRun.run("keys", "create", "--name", "x", "--role", "root", "--data-dir", dir.toString());
        assertThat(badRole.exit()).isEqualTo(2);
        assertThat(badRole.err()).contains("role must be one of viewer, operator, admin but was 'root'");
        assertThat(CliRun.run("version", "--output", "xml").exit()).isEqualTo(2);
    }

    @Test
    void versionPrintsTextOrJson() throws Exception {
        assertThat(CliRun.run("version").out()).startsWith("bulwark " + BulwarkVersion.get());
        JsonNode json = Json.mapper().readTree(CliRun.run("version", "--output", "json").out());
        assertThat(json.get("version").asText()).isEqualTo(BulwarkVersion.get());
        assertThat(CliRun.run("--version").out().trim()).isEqualTo("bulwark " + BulwarkVersion.get());
    }

    @Test
    void configCheckListsEveryProblemAndExitsTwo() throws Exception {
        Path file = dir.resolve("bulwark.yaml");
        Files.writeString(file, "server:\n  prot: 80\nlog:\n  level: loud\n");
        CliRun r = CliRun.run(Map.of("BULWARK_HEALTH_TIMEOUT", "soon"), "config", "check", "--config", file.toString(),
                "--server.port=99999", "--no.such=1");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("Invalid configuration (5 problems)")
                .contains("server.prot (file " + file + "): unknown key; did you mean 'server.port'?")
                .contains("log.level (file " + file + "): expected one of trace, debug, info, warn, error but was 'loud'")
                .contains("health.timeout (env BULWARK_HEALTH_TIMEOUT): expected a duration such as 250ms")
                .contains("server.port (flag --server.port): expected an integer from 0 to 65535 but was 99999")
                .contains("no.such (flag --no.such): unknown key");
    }

    @Test
    void configCheckAcceptsAValidFileAndFlags() throws Exception {
        Path file = dir.resolve("bulwark.json");
        Files.writeString(file, "{\"server\": {\"port\": 9000}, \"features\": {\"new-ui\": 25}}");
        CliRun r = CliRun.run("config", "check", "--config", file.toString(), "--port", "9001", "--profile", "staging");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("Configuration is valid (profile staging, file " + file);
    }

    @Test
    void configShowNamesTheSourceOfEachKeyAndMasksSecrets() throws Exception {
        Path secret = dir.resolve("admin.key");
        Files.writeString(secret, "s3cr3t-value\n");
        Path file = dir.resolve("bulwark.yaml");
        Files.writeString(file, "auth:\n  adminKey: file:" + secret + "\nlog:\n  level: debug\n");
        CliRun r = CliRun.run(Map.of("BULWARK_SERVER_PORT", "7000"), "config", "show", "--config", file.toString(),
                "--server.host=127.0.0.2", "--profile", "prod");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).doesNotContain("s3cr3t-value");
        assertThat(r.out()).containsPattern("auth\\.adminKey\\s+\\*\\*\\*\\*\\s+file " + Pattern.quote(file.toString()));
        assertThat(r.out()).containsPattern("server\\.port\\s+7000\\s+env BULWARK_SERVER_PORT");
        assertThat(r.out()).containsPattern("server\\.host\\s+127\\.0\\.0\\.2\\s+flag --server\\.host");
        assertThat(r.out()).containsPattern("log\\.format\\s+json\\s+profile prod");
        assertThat(r.out()).containsPattern("server\\.maxRequestBody\\s+1MiB\\s+default");

        CliRun json = CliRun.run(Map.of(), "config", "show", "--config", file.toString(), "-o", "json");
        assertThat(json.out()).doesNotContain("s3cr3t-value");
        JsonNode values = Json.mapper().readTree(json.out()).get("values");
        assertThat(values).anySatisfy(v -> {
            assertThat(v.get("key").asText()).isEqualTo("auth.adminKey");
            assertThat(v.get("value").asText()).isEqualTo("****");
        });
    }

    private static final class Pattern {
        static String quote(String s) {
            return java.util.regex.Pattern.quote(s);
        }
    }
}
