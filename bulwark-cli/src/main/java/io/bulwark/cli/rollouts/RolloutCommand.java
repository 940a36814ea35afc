package io.bulwark.cli.rollouts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.bulwark.cli.commands.ApiCommand;
import io.bulwark.cli.commands.GroupCommand;
import io.bulwark.cli.internal.CliException;
import io.bulwark.cli.internal.Output;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code bulwark rollout start | status | watch | promote | abort | pause | resume | retry} over the REST API. */
@Command(name = "rollout", mixinStandardHelpOptions = true,
        description = "Progressive delivery: start a canary or blue-green rollout, follow its steps, weights and "
                + "analyses, and act on it. See docs/rollouts.md.",
        subcommands = {RolloutCommand.Start.class, RolloutCommand.Status.class, WatchCommand.class,
                RolloutCommand.Promote.class, RolloutCommand.Abort.class, RolloutCommand.Pause.class,
                RolloutCommand.Resume.class, RolloutCommand.Retry.class})
final class RolloutCommand extends GroupCommand {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static String path(String name) {
        return "/api/v1/rollouts/" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Prints one rollout's view, or its JSON. */
    static void show(PrintWriter out, boolean json, JsonNode state) {
        if (json) {
            Output.json(out, state);
            return;
        }
        RolloutView.lines(state).forEach(out::println);
        out.flush();
    }

    @Command(name = "start", mixinStandardHelpOptions = true,
            description = "Start a rollout from a definition file (YAML or JSON); prints its state after the first step.")
    static final class Start extends ApiCommand implements Runnable {
        @Parameters(index = "0", paramLabel = "FILE", description = "The rollout definition, YAML or JSON ('-' for standard input).")
        String file;

        @Override
        public void run() {
            String text;
            try {
                text = "-".equals(file) ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
                        : Files.readString(Path.of(file));
            } catch (IOException | java.io.UncheckedIOException e) {
                throw CliException.usage("FILE " + file + " cannot be read: " + e.getMessage());
            }
            JsonNode doc;
            try {
                doc = YAML.readTree(text); // YAML is a superset of JSON: one reader for both
            } catch (IOException e) {
                throw CliException.usage("FILE " + file + " is not YAML or JSON: "
                        + e.getMessage().lines().findFirst().orElse(""));
            }
            if (doc == null || !doc.isObject()) {
                throw CliException.usage("FILE " + file + " must hold one rollout definition (a mapping with name, "
                        + "driver and strategy) but holds " + (doc == null || doc.isMissingNode() ? "nothing" : doc.getNodeType()));
            }
            JsonNode state = client().post("/api/v1/rollouts", doc);
            show(out(), output.json(), state);
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = {"Without NAME: every rollout as a table.",
                    "With NAME: its steps (→ marks the current one), weight, phase, message and each analysis run's "
                            + "measurements."})
    static final class Status extends ApiCommand implements Runnable {
        @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "The rollout.")
        String name;

        @Override
        public void run() {
            PrintWriter out = out();
            if (name != null) {
                show(out, output.json(), client().get(path(name)));
                return;
            }
            JsonNode body = client().get("/api/v1/rollouts");
            if (output.json()) {
                Output.json(out, body);
                return;
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            for (JsonNode r : body.path("rollouts")) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("name", r.path("name").asText());
                row.put("strategy", r.path("strategy").asText());
                row.put("phase", r.path("phase").asText());
                row.put("step", Math.min(r.path("step").asInt(), r.path("steps").asInt()) + "/" + r.path("steps").asInt());
                row.put("weight", r.path("weight").asInt() + "%");
                row.put("updated", r.path("updatedAt").asText());
                row.put("message", r.path("message").isTextual() ? r.path("message").asText() : null);
                rows.add(row);
            }
            Output.table(out, List.of("name", "strategy", "phase", "step", "weight", "updated", "message"), rows);
            if (rows.isEmpty()) {
                out.println("no rollouts: start one with 'bulwark rollout start FILE'");
                out.flush();
            }
        }
    }

    /** One action on a named rollout: POST {@code /api/v1/rollouts/{name}/<action>}. */
    abstract static class Action extends ApiCommand implements Runnable {
        @Parameters(index = "0", paramLabel = "NAME", description = "The rollout.")
        String name;

        abstract String action();

        String query() {
            return "";
        }

        @Override
        public void run() {
            show(out(), output.json(), client().post(path(name) + "/" + action() + query(), Map.of()));
        }
    }

    @Command(name = "promote", mixinStandardHelpOptions = true,
            description = "Skip the remaining steps and analyses: all traffic to the new version.")
    static final class Promote extends Action {
        @Override
        String action() {
            return "promote";
        }
    }

    @Command(name = "abort", mixinStandardHelpOptions = true,
            description = "All traffic back to the stable version at once (phase Degraded).")
    static final class Abort extends Action {
        @Option(names = "--reason", paramLabel = "TEXT", description = "Why, kept in the rollout's history.")
        String reason;

        @Override
        String action() {
            return "abort";
        }

        @Override
        String query() {
            return reason == null ? "" : "?reason=" + URLEncoder.encode(reason, StandardCharsets.UTF_8);
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true, description = "Hold a progressing rollout at its step.")
    static final class Pause extends Action {
        @Override
        String action() {
            return "pause";
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true,
            description = "Go on with a paused rollout (past a pause step or an inconclusive analysis).")
    static final class Resume extends Action {
        @Override
        String action() {
            return "resume";
        }
    }

    @Command(name = "retry", mixinStandardHelpOptions = true, description = "Start an aborted (Degraded) rollout again from step 0.")
    static final class Retry extends Action {
        @Override
        String action() {
            return "retry";
        }
    }
}
