package io.bulwark.cli.jobs;

import io.bulwark.cli.commands.ApiCommand;
import io.bulwark.cli.commands.GroupCommand;
import io.bulwark.cli.commands.OutputOption;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bulwark.cli.internal.CliException;
import io.bulwark.cli.internal.Output;
import io.bulwark.core.json.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code bulwark queues list | show | pause | resume | set}, over the REST API. */
@Command(name = "queues", mixinStandardHelpOptions = true, description = "Inspect and change queues.",
        subcommands = {QueuesCommand.ListQueues.class, QueuesCommand.Show.class, QueuesCommand.Pause.class,
                QueuesCommand.Resume.class, QueuesCommand.Set.class})
final class QueuesCommand extends GroupCommand {

    /** The states a queue's table counts, in its column order. */
    private static final List<String> STATES = List.of("available", "running", "scheduled", "retryable", "dead",
            "expired", "completed");

    static final List<String> COLUMNS = java.util.stream.Stream.of(List.of("name"), STATES,
            List.of("inFlight", "perSecond", "lagSeconds", "paused", "concurrency", "countsAgeSeconds"))
            .flatMap(List::stream).toList();

    static Map<String, Object> row(JsonNode q) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("name", q.path("name").asText());
        for (String s : STATES) {
            row.put(s, q.path("counts").path(s).asLong());
        }
        row.put("inFlight", q.path("inFlight").asInt());
        row.put("perSecond", String.format(java.util.Locale.ROOT, "%.1f", q.path("completedPerSecond").asDouble()));
        row.put("lagSeconds", q.path("oldestAvailableAgeSeconds").asLong());
        row.put("paused", q.path("paused").asBoolean());
        row.put("concurrency", q.path("settings").path("concurrency").asInt());
        row.put("countsAgeSeconds", q.path("countsAgeSeconds").asLong());
        return row;
    }

    static void print(PrintWriter out, OutputOption output, JsonNode q) {
        if (output.json()) {
            Output.json(out, q);
        } else {
            Output.table(out, COLUMNS, List.of(row(q)));
            out.println("settings: " + q.path("settings"));
            out.flush();
        }
    }

    static String path(String name) {
        return "/api/v1/queues/" + URLEncoder.encode(name, StandardCharsets.UTF_8);
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Every queue: counts by state, in flight, lag.")
    static final class ListQueues extends ApiCommand implements Runnable {

        @Override
        public void run() {
            JsonNode body = client().get("/api/v1/queues");
            PrintWriter out = out();
            if (output.json()) {
                Output.json(out, body);
                return;
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            body.path("queues").forEach(q -> rows.add(row(q)));
            Output.table(out, COLUMNS, rows);
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One queue with its settings.")
    static final class Show extends ApiCommand implements Runnable {
        @Parameters(paramLabel = "QUEUE")
        String name;

        @Override
        public void run() {
            print(out(), output, client().get(path(name)));
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true, description = "Start no more jobs of the queue (enqueues still work).")
    static final class Pause extends ApiCommand implements Runnable {
        @Parameters(paramLabel = "QUEUE")
        String name;

        @Override
        public void run() {
            print(out(), output, client().post(path(name) + "/pause", Map.of()));
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Start jobs of a paused queue again.")
    static final class Resume extends ApiCommand implements Runnable {
        @Parameters(paramLabel = "QUEUE")
        String name;

        @Override
        public void run() {
            print(out(), output, client().post(path(name) + "/resume", Map.of()));
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true, description = "Change queue settings; they persist across restarts.")
    static final class Set extends ApiCommand implements Runnable {
        @Parameters(paramLabel = "QUEUE")
        String name;
        @Option(names = "--concurrency", paramLabel = "N")
        Integer concurrency;
        @Option(names = "--rate", paramLabel = "PER_SECOND", description = "Jobs started per second per node; 0 for no limit.")
        Double rate;
        @Option(names = "--burst", paramLabel = "N")
        Integer burst;
        @Option(names = "--max-size", paramLabel = "N", description = "0 for no limit.")
        Long maxSize;
        @Option(names = "--priority", paramLabel = "0-9")
        Integer priority;
        @Option(names = "--max-attempts", paramLabel = "N")
        Integer maxAttempts;
        @Option(names = "--timeout", paramLabel = "DURATION")
        String timeout;
        @Option(names = "--discard-after", paramLabel = "DURATION|never",
                description = "Default time a job may wait once due before it ends expired; never to clear.")
        String discardAfter;

        @Override
        public void run() {
            ObjectNode body = Json.mapper().createObjectNode();
            if (discardAfter != null) {
                body.put("discardAfter", discardAfter);
            }
            if (concurrency != null) {
                body.put("concurrency", concurrency);
            }
            if (rate != null) {
                body.put("ratePerSecond", rate);
            }
            if (burst != null) {
                body.put("burst", burst);
            }
            if (maxSize != null) {
                body.put("maxSize", maxSize);
            }
            if (priority != null) {
                body.put("priority", priority);
            }
            if (maxAttempts != null) {
                body.put("maxAttempts", maxAttempts);
            }
            if (timeout != null) {
                body.put("timeout", timeout);
            }
            if (body.isEmpty()) {
                throw CliException.usage("give at least one setting to change, e.g. --concurrency 20");
            }
            print(out(), output, client().put(path(name), body));
        }
    }
}
