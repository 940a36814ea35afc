package io.bulwark.cli.deploy;

import io.bulwark.cli.commands.BulwarkCommand;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps docs/cli.md and docs/deploy.md in step with the {@code deploy} commands: each has a row in
 * cli.md naming every option of its own, and a section in deploy.md.
 */
class DeployDocsTest {

    /** Options every command has, or that cli.md sums up as "same config options as serve". */
    private static final Set<String> SHARED = Set.of("--help", "--version", "--config", "--profile", "--host", "--port",
            "--data-dir", "--log-format");

    @Test
    void everyDeployCommandHasACliRowNamingItsOptionsAndASectionInDeployMd() throws Exception {
        String cli = Files.readString(Path.of("..", "docs", "cli.md"));
        String deploy = Files.readString(Path.of("..", "docs", "deploy.md"));
        CommandLine deployCommand = BulwarkCommand.commandLine(Map.of()).getSubcommands().get("deploy");
        assertThat(deployCommand.getSubcommands()).containsKeys("generate", "validate", "image");
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, CommandLine> sub : deployCommand.getSubcommands().entrySet()) {
            String name = "bulwark deploy " + sub.getKey();
            String row = cli.lines().filter(l -> l.startsWith("| `" + name + " ")).findFirst().orElse(null);
            if (row == null) {
                missing.add("docs/cli.md: no row for " + name);
                continue;
            }
            String usage = row.substring(0, row.indexOf("` |"));
            for (CommandLine.Model.OptionSpec o : sub.getValue().getCommandSpec().options()) {
                if (!SHARED.contains(o.longestName()) && java.util.Arrays.stream(o.names()).noneMatch(n -> usage.contains(n + " ")
                        || usage.contains(n + "\\|") || usage.contains(n + "]"))) {
                    missing.add("docs/cli.md: " + name + " does not name " + o.longestName());
                }
            }
            if (!deploy.contains("## `" + name)) {
                missing.add("docs/deploy.md: no section for " + name);
            }
        }
        assertThat(missing).isEmpty();
    }
}
