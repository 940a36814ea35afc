package io.bulwark.cli.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bulwark.cli.commands.ApiCommand;
import io.bulwark.cli.commands.GroupCommand;
import io.bulwark.cli.internal.CliException;
import io.bulwark.cli.internal.Output;
import io.bulwark.cli.internal.ProgressBar;
import io.bulwark.core.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/** {@code bulwark runs start | list | show | cancel | retry | approve | reject | watch}: pipeline runs, over the REST API. */
@Command(name = "runs", mixinStandardHelpOptions = true,
        description = "Pipeline runs: start, list, show, cancel, retry, approve and reject approval steps, watch (a live tree of steps).",
        subcommands = {RunsCommand.Start.class, RunsCommand.ListRuns.class, RunsCommand.Show.class, RunsCommand.Cancel.class,
                RunsCommand.Retry.class, RunsCommand.Approve.class, RunsCommand.Reject.class, RunsCommand.Watch.class})
final class RunsCommand extends GroupCommand {

    static final List<String> STATES = List.of("running", "completed", "failed", "cancelled");

    static String path(String id) {
        try {
            return "/api/v1/runs/" + UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw CliException.usage("RUN must be a run id (a UUID, see 'bulwark runs list') but was '" + id + "'");
        }
    }

    /** A runs command: {@code --output json} prints the server's JSON, a table or tree otherwise. */
    abstract static class RunCommand extends ApiCommand {
        boolean json() {
            return output.json();
        }

        /** Prints the run as a tree of its steps, or its JSON. */
        void print(JsonNode run) {
            if (json()) {
                Output.json(out(), run);
            } else {
                RunTree.lines(run, Instant.now()).forEach(out()::println);
                out().flush();
            }
        }
    }

    @Command(name = "start", mixinStandardHelpOptions = true,
            description = {"Start a run of a pipeline's latest version.",
                    "  bulwark runs start etl --input '{\"day\": \"2026-12-01\"}' --idempotency-key etl-2026-12-01"})
    static final class Start extends RunCommand implements Runnable {
        @Parameters(paramLabel = "PIPELINE")
        String pipeline;

        @Option(names = "--input", paramLabel = "JSON", description = "The run's input as JSON (default {}).")
        String input;

        @Option(names = "--input-file", paramLabel = "FILE", description = "The run's input from a JSON file.")
        Path inputFile;

        @Option(names = "--idempotency-key", paramLabel = "KEY",
                description = "A second start with this key returns the first run instead of starting another (1-255 characters).")
        String key;

        @Override
        public void run() {
            if (input != null && inputFile != null) {
                throw CliException.usage("--input and --input-file cannot both be given; choose one");
            }
            ObjectNode body = Json.mapper().createObjectNode();
            if (input != null) {
                body.set("input", parse("--input", input));
            } else if (inputFile != null) {
                try {
                    body.set("input", parse("--input-file " + inputFile, Files.readString(inputFile)));
                } catch (IOException e) {
                    throw CliException.usage("--input-file " + inputFile + " cannot be read: " + e.getMessage());
                }
            }
            if (key != null) {
                if (key.isBlank() || key.length() > 255) {
                    throw CliException.usage("--idempotency-key must be 1 to 255 characters");
                }
                body.put("idempotencyKey", key);
            }
            JsonNode run;
            try {
                run = client().post(PipelinesCommand.path(pipeline) + "/runs", body);
            } catch (CliException e) {
                throw new CliException(e.exitCode(), e.getMessage().replace("\n  - input", "\n  - --input: input"));
            }
            if (json()) {
                Output.json(out(), run);
                return;
            }
            String what = run.path("pipeline").asText() + " v" + run.path("version").asInt() + " ("
                    + run.path("state").asText() + ")";
            out().println(run.path("replayed").asBoolean()
                    ? "Run " + run.path("id").asText() + " of " + what + " was started earlier with --idempotency-key "
                    + key + "; no new run was started"
                    : "Started run " + run.path("id").asText() + " of " + what);
            out().println("Follow it with: bulwark runs watch " + run.path("id").asText());
            out().flush();
        }

        private static JsonNode parse(String option, String text) {
            try {
                JsonNode tree = Json.strictMapper().readTree(text);
                if (tree == null || tree.isMissingNode()) {
                    throw CliException.usage(option + " is empty; give a JSON value such as {\"day\": \"2026-12-01\"}");
                }
                return tree;
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw CliException.usage(option + " is not valid JSON" + io.bulwark.core.json.Json.syntaxError(e));
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Runs, newest first.")
    static final class ListRuns extends RunCommand implements Runnable {
        @Option(names = "--pipeline", paramLabel = "ID", description = "Only runs of this pipeline.")
        String pipeline;

        @Option(names = "--state", paramLabel = "STATE", description = "Only runs in this state: running, completed, failed, cancelled.")
        String state;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "50", description = "At most this many, 1 to 500 (default 50).")
        int limit;

        @Override
        public void run() {
            if (limit < 1 || limit > 500) {
                throw CliException.usage("--limit must be 1 to 500 but was " + limit);
            }
            if (state != null && !STATES.contains(state.toLowerCase(Locale.ROOT))) {
                throw CliException.usage("--state must be one of " + String.join(", ", STATES) + " but was '" + state + "'");
            }
            StringBuilder q = new StringBuilder("/api/v1/runs?limit=" + limit);
            if (pipeline != null) {
                q.append("&pipeline=").append(URLEncoder.encode(pipeline, StandardCharsets.UTF_8));
            }
            if (state != null) {
                q.append("&state=").append(state.toLowerCase(Locale.ROOT));
            }
            JsonNode body = client().get(q.toString());
            if (json()) {
                Output.json(out(), body);
                return;
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            body.path("items").forEach(r -> {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("id", r.path("id").asText());
                row.put("pipeline", r.path("pipeline").asText() + " v" + r.path("version").asInt());
                row.put("state", r.path("state").asText());
                row.put("createdAt", r.path("createdAt").asText());
                row.put("took", r.path("durationMs").isNumber() ? r.path("durationMs").asLong() + " ms" : null);
                row.put("failedStep", r.path("failedStep").isTextual() ? r.path("failedStep").asText() : null);
                rows.add(row);
            });
            Output.table(out(), List.of("id", "pipeline", "state", "createdAt", "took", "failedStep"), rows);
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "A run: its state, and each step with its state, attempts, time and error (-o json: inputs and outputs too).")
    static final class Show extends RunCommand implements Runnable {
        @Parameters(paramLabel = "RUN")
        String id;

        @Override
        public void run() {
            print(client().get(path(id)));
        }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true,
            description = "Cancel a running run: no step starts any more and its running steps' jobs are cancelled.")
    static final class Cancel extends RunCommand implements Runnable {
        @Parameters(paramLabel = "RUN")
        String id;

        @Option(names = "--reason", paramLabel = "TEXT", description = "Why, kept as the run's error (1-500 characters).")
        String reason;

        @Override
        public void run() {
            String p = path(id);
            JsonNode run = client().post(p + "/cancel", reason == null ? Map.of() : Map.of("reason", reason));
            if (json()) {
                Output.json(out(), run);
            } else {
                out().println("Cancelled run " + run.path("id").asText());
                out().flush();
            }
        }
    }

    @Command(name = "retry", mixinStandardHelpOptions = true,
            description = "Retry a failed run from its failed step; completed steps keep their outputs and do not run again.")
    static final class Retry extends RunCommand implements Runnable {
        @Parameters(paramLabel = "RUN")
        String id;

        @Override
        public void run() {
            JsonNode run = client().post(path(id) + "/retry", Map.of());
            if (json()) {
                Output.json(out(), run);
            } else {
                out().println("Retrying run " + run.path("id").asText() + " from its failed step (" + run.path("state").asText()
                        + "); follow it with: bulwark runs watch " + run.path("id").asText());
                out().flush();
            }
        }
    }

    @Command(name = "approve", mixinStandardHelpOptions = true,
            description = "Approve a waiting approval step: it completes with who approved (your API key) and the run moves on.")
    static final class Approve extends Decide {
        Approve() {
            super("approve", "Approved");
        }
    }

    @Command(name = "reject", mixinStandardHelpOptions = true,
            description = "Reject a waiting approval step: it fails, and its onFailure decides what the run does.")
    static final class Reject extends Decide {
        Reject() {
            super("reject", "Rejected");
        }
    }

    /** approve and reject: {@code POST /api/v1/runs/{id}/steps/{step}/approve|reject}. */
    abstract static class Decide extends RunCommand implements Runnable {
        private final String action;
        private final String done;

        @Parameters(index = "0", paramLabel = "RUN")
        String id;

        @Parameters(index = "1", paramLabel = "STEP", description = "The approval step's id, or id[index] for a branch of a fan-out step.")
        String step;

        @Option(names = "--comment", paramLabel = "TEXT", description = "Kept with the decision (at most 500 characters).")
        String comment;

        Decide(String action, String done) {
            this.action = action;
            this.done = done;
        }

        @Override
        public void run() {
            JsonNode run = client().post(path(id) + "/steps/" + URLEncoder.encode(step, StandardCharsets.UTF_8) + "/" + action,
                    comment == null ? Map.of() : Map.of("comment", comment));
            if (json()) {
                Output.json(out(), run);
            } else {
                out().println(done + " step " + step + " of run " + run.path("id").asText() + "; the run is "
                        + run.path("state").asText());
                out().flush();
            }
        }
    }

    @Command(name = "watch", mixinStandardHelpOptions = true,
            description = {"Follow a run until it ends: a tree of its steps with their states and times, redrawn in place",
                    "on a terminal, one line per change otherwise. Exit 0 when it completes, 1 when it fails or is cancelled."})
    static final class Watch extends RunCommand implements Runnable {
        @Parameters(paramLabel = "RUN")
        String id;

        @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "500ms",
                description = "How often to ask the server, 100ms to 1m (default 500ms).")
        String interval;

        @Override
        public void run() {
            Duration every = io.bulwark.cli.internal.DurationOption.parse("--interval", interval, Duration.ofMillis(100),
                    Duration.ofMinutes(1));
            JsonNode run = new RunWatch(client(), path(id), out(), ProgressBar.terminal() && !json(), json()).follow(every);
            String state = run.path("state").asText();
            if (!state.equals("completed")) {
                throw CliException.failure("run " + run.path("id").asText() + " " + state
                        + (run.path("failedStep").isTextual() ? " at step " + run.path("failedStep").asText() : "")
                        + (run.path("error").isTextual() ? ": " + run.path("error").asText() : ""));
            }
        }
    }
}
