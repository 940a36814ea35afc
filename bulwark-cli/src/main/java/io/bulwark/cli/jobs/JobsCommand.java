package io.bulwark.cli.jobs;

import io.bulwark.cli.commands.ApiCommand;
import io.bulwark.cli.commands.GroupCommand;
import io.bulwark.cli.commands.OutputOption;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bulwark.cli.internal.ApiClient;
import io.bulwark.cli.internal.CliException;
import io.bulwark.cli.internal.ExitCodes;
import io.bulwark.cli.internal.Output;
import io.bulwark.cli.internal.ProgressBar;
import io.bulwark.core.json.Json;
import io.bulwark.core.units.Durations;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code bulwark jobs enqueue | get | list | cancel | retry | wait}, over the REST API. */
@Command(name = "jobs", mixinStandardHelpOptions = true, description = "Enqueue, inspect, cancel, retry and wait for jobs.",
        subcommands = {JobsCommand.Enqueue.class, JobsCommand.Get.class, JobsCommand.ListJobs.class,
                JobsCommand.Cancel.class, JobsCommand.Retry.class, JobsCommand.Wait.class})
final class JobsCommand extends GroupCommand {

    static final List<String> COLUMNS = List.of("id", "queue", "type", "state", "attempt", "priority", "runAt");

    static Map<String, Object> row(JsonNode j) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", j.path("id").asText());
        row.put("queue", j.path("queue").asText());
        row.put("type", j.path("type").asText());
        row.put("state", j.path("state").asText());
        row.put("attempt", j.path("attempt").asInt() + "/" + j.path("maxAttempts").asInt());
        row.put("priority", j.path("priority").asInt());
        row.put("runAt", j.path("runAt").asText());
        return row;
    }

    static void print(PrintWriter out, OutputOption output, JsonNode job) {
        if (output.json()) {
            Output.json(out, job);
            return;
        }
        Output.table(out, COLUMNS, List.of(row(job)));
        if (job.hasNonNull("lastError")) {
            out.println("last error: " + job.get("lastError").asText());
        }
        if (job.hasNonNull("result")) {
            out.println("result: " + job.get("result"));
        }
        if (job.has("history")) {
            out.println("history:");
            job.get("history").forEach(h -> out.println("  " + h.path("at").asText() + "  " + h.path("from").asText("-")
                    + " -> " + h.path("to").asText() + "  " + h.path("reason").asText()
                    + (h.hasNonNull("node") ? "  (" + h.get("node").asText() + ")" : "")));
        }
        out.flush();
    }

    static String path(String id) {
        return "/api/v1/jobs/" + URLEncoder.encode(id, StandardCharsets.UTF_8);
    }

    @Command(name = "enqueue", mixinStandardHelpOptions = true, description = "Enqueue a job; prints it (or the existing one, for a repeated idempotency key).")
    static final class Enqueue extends ApiCommand implements Runnable {
        @Option(names = "--type", required = true, paramLabel = "TYPE", description = "Handler type, e.g. http or builtin.noop.")
        String type;
        @Option(names = "--queue", paramLabel = "QUEUE", description = "Queue (default: default).")
        String queue;
        @Option(names = "--payload", paramLabel = "JSON", description = "Payload as JSON (default {}).")
        String payload;
        @Option(names = "--priority", paramLabel = "0-9", description = "0 highest, 9 lowest.")
        Integer priority;
        @Option(names = "--delay", paramLabel = "DURATION", description = "Run after this long, e.g. 30s.")
        String delay;
        @Option(names = "--max-attempts", paramLabel = "N")
        Integer maxAttempts;
        @Option(names = "--timeout", paramLabel = "DURATION", description = "Time one attempt may run.")
        String timeout;
        @Option(names = "--idempotency-key", paramLabel = "KEY")
        String idempotencyKey;
        @Option(names = "--tag", paramLabel = "TAG", description = "A tag; repeatable.")
        List<String> tags;
        @Option(names = "--expires-at", paramLabel = "INSTANT",
                description = "End the job expired if it still waits at this time, e.g. 2026-12-24T18:00:00Z.")
        String expiresAt;
        @Option(names = "--discard-after", paramLabel = "DURATION",
                description = "End the job expired if it still waits this long after it is due, e.g. 10m.")
        String discardAfter;

        @Override
        public void run() {
            ObjectNode body = Json.mapper().createObjectNode();
            body.put("type", type);
            if (expiresAt != null) {
                try {
                    body.put("expiresAt", java.time.Instant.parse(expiresAt).toString());
                } catch (java.time.format.DateTimeParseException e) {
                    throw CliException.usage("--expires-at must be an ISO-8601 instant such as 2026-12-24T18:00:00Z "
                            + "but was '" + expiresAt + "'");
                }
            }
            if (discardAfter != null) {
                body.put("discardAfter", discardAfter);
            }
            if (queue != null) {
                body.put("queue", queue);
            }
            if (payload != null) {
                try {
                    body.set("payload", Json.mapper().readTree(payload));
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw CliException.usage("--payload is not valid JSON" + Json.syntaxError(e));
                }
            }
            if (priority != null) {
                body.put("priority", priority);
            }
            if (delay != null) {
                body.put("delay", delay);
            }
            if (maxAttempts != null) {
                body.put("maxAttempts", maxAttempts);
            }
            if (timeout != null) {
                body.put("timeout", timeout);
            }
            if (idempotencyKey != null) {
                body.put("idempotencyKey", idempotencyKey);
            }
            if (tags != null) {
                tags.forEach(body.putArray("tags")::add);
            }
            JsonNode job = client().post("/api/v1/jobs", body);
            print(out(), output, job);
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show a job with its history.")
    static final class Get extends ApiCommand implements Runnable {
        @Parameters(paramLabel = "ID")
        String id;

        @Override
        public void run() {
            print(out(), output, client().get(path(id)));
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List jobs, newest first.")
    static final class ListJobs extends ApiCommand implements Runnable {
        @Option(names = "--queue", paramLabel = "QUEUE")
        String queue;
        @Option(names = "--state", paramLabel = "STATE", description = "scheduled, available, running, retryable, completed, dead, cancelled or expired.")
        String state;
        @Option(names = "--type", paramLabel = "TYPE")
        String type;
        @Option(names = "--tag", paramLabel = "TAG", description = "Only jobs carrying this tag (exactly).")
        String tag;
        @Option(names = "--since", paramLabel = "WHEN", description = "Only jobs created at or after this: an ISO-8601 "
                + "instant or how long ago, e.g. 2026-12-05T10:00:00Z or 2h.")
        String since;
        @Option(names = "--until", paramLabel = "WHEN", description = "Only jobs created before this (same forms).")
        String until;
        @Option(names = "--limit", paramLabel = "N", defaultValue = "50", description = "At most this many (default ${DEFAULT-VALUE}).")
        int limit;

        @Override
        public void run() {
            StringBuilder q = new StringBuilder("/api/v1/jobs?limit=" + limit);
            append(q, "queue", queue);
            append(q, "state", state);
            append(q, "type", type);
            append(q, "tag", tag);
            append(q, "since", since);
            append(q, "until", until);
            JsonNode page = client().get(q.toString());
            PrintWriter out = out();
            if (output.json()) {
                Output.json(out, page);
                return;
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            page.path("items").forEach(j -> rows.add(row(j)));
            Output.table(out, COLUMNS, rows);
        }

        private static void append(StringBuilder q, String name, String value) {
            if (value != null) {
                q.append('&').append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel a job; a running one is interrupted.")
    static final class Cancel extends ApiCommand implements Runnable {
        @Parameters(paramLabel = "ID")
        String id;

        @Override
        public void run() {
            print(out(), output,
                    client().post(path(id) + "/cancel", Map.of()));
        }
    }

    @Command(name = "retry", mixinStandardHelpOptions = true, description = "Run a dead, cancelled or completed job again (same id).")
    static final class Retry extends ApiCommand implements Runnable {
        @Parameters(paramLabel = "ID")
        String id;

        @Override
        public void run() {
            print(out(), output,
                    client().post(path(id) + "/retry", Map.of()));
        }
    }

    @Command(name = "wait", mixinStandardHelpOptions = true,
            description = {"Wait until a job is final (completed, dead or cancelled), showing its state as it changes",
                    "and each failed attempt (its error and when the next one runs). On a terminal the state is one",
                    "line updated in place; otherwise each change is a line of its own.",
                    "Exit 0 when it completed, 1 when it ended dead or cancelled or the wait timed out."})
    static final class Wait extends ApiCommand implements Callable<Integer> {
        private static final Set<String> FINAL = java.util.Arrays.stream(io.bulwark.jobs.JobState.values())
                .filter(io.bulwark.jobs.JobState::isFinal).map(io.bulwark.jobs.JobState::id)
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
        @Parameters(paramLabel = "ID")
        String id;
        @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10m", description = "Give up after this long (default ${DEFAULT-VALUE}).")
        String timeout;

        @Override
        public Integer call() throws InterruptedException {
            Duration limit;
            try {
                limit = Durations.parse(timeout);
            } catch (IllegalArgumentException e) {
                throw CliException.usage("--timeout " + e.getMessage());
            }
            ApiClient client = client();
            WaitProgress progress = new WaitProgress(spec.commandLine().getErr(), id, ProgressBar.terminal());
            long started = System.nanoTime();
            long deadline = started + limit.toNanos();
            while (true) {
                JsonNode job = client.get(path(id));
                String state = job.path("state").asText();
                progress.show(job, Duration.ofNanos(System.nanoTime() - started));
                if (FINAL.contains(state)) {
                    progress.end();
                    print(out(), output, job);
                    return state.equals("completed") ? ExitCodes.OK : ExitCodes.FAILURE;
                }
                if (System.nanoTime() > deadline) {
                    progress.end();
                    throw CliException.failure("job " + id + " is still " + state + " after " + timeout);
                }
                Thread.sleep(250);
            }
        }
    }
}
