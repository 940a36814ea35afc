package io.bulwark.cli.commands;

import io.bulwark.cli.internal.ConfigOptions;
import io.bulwark.cli.internal.Output;
import io.bulwark.core.config.BulwarkConfig;
import io.bulwark.server.ServerKeys;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code bulwark config check | show}. */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Validate or show the effective configuration.",
        subcommands = {ConfigCommand.Check.class, ConfigCommand.Show.class})
final class ConfigCommand extends GroupCommand {

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Validate the configuration without starting: exit 0 when valid, 2 listing every problem."})
    static final class Check implements Runnable {
        @Mixin
        ConfigOptions options;

        @CommandLine.Unmatched
        List<String> extra = new java.util.ArrayList<>();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            BulwarkConfig config = options.load(ServerKeys.schema(), BulwarkCommand.root(spec).env(), extra);
            PrintWriter out = spec.commandLine().getOut();
            out.println("Configuration is valid (profile " + config.profile().id() + ", file "
                    + config.file().map(Object::toString).orElse("none") + ", " + config.values().size() + " keys).");
            out.flush();
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = {"Print the effective configuration with the source of each key; secrets are masked."})
    static final class Show implements Runnable {
        @Mixin
        ConfigOptions options;

        @CommandLine.Unmatched
        List<String> extra = new java.util.ArrayList<>();

        @Mixin
        OutputOption output;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            BulwarkConfig config = options.load(ServerKeys.schema(), BulwarkCommand.root(spec).env(), extra);
            PrintWriter out = spec.commandLine().getOut();
            List<Map<String, Object>> rows = config.values().stream().map(v -> {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("key", v.name());
                row.put("value", v.display());
                row.put("source", v.origin().toString());
                return row;
            }).toList();
            if (output.json()) {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("profile", config.profile().id());
                body.put("file", config.file().map(Object::toString).orElse(null));
                body.put("values", rows);
                Output.json(out, body);
            } else {
                out.println("profile " + config.profile().id() + ", file " + config.file().map(Object::toString).orElse("none"));
                Output.table(out, List.of("key", "value", "source"), rows);
            }
        }
    }
}
