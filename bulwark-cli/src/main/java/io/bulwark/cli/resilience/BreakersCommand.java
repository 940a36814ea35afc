package io.bulwark.cli.resilience;

import io.bulwark.cli.commands.ApiCommand;
import io.bulwark.cli.commands.GroupCommand;
import io.bulwark.cli.commands.OutputOption;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.cli.internal.Output;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code bulwark breakers list | show | open | close | reset}, over the REST API. */
@Command(name = "breakers", mixinStandardHelpOptions = true, description = "Circuit breakers: state, metrics, history; force them.",
        subcommands = {BreakersCommand.ListBreakers.class, BreakersCommand.Show.class, BreakersCommand.Open.class,
                BreakersCommand.Close.class, BreakersCommand.Reset.class})
final class BreakersCommand extends GroupCommand {

    static final List<String> COLUMNS = List.of("name", "group", "state", "since", "failureRate", "slowCallRate",
            "bufferedCalls", "notPermitted");

    static Map<String, Object> row(JsonNode b) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("name", b.path("name").asText());
        row.put("group", b.path("group").asText());
        row.put("state", b.path("state").asText());
        row.put("since", b.path("since").asText(""));
        double fr = b.path("failureRate").asDouble();
        row.put("failureRate", fr < 0 ? "-" : String.format("%.1f%%", fr));
        double sr = b.path("slowCallRate").asDouble();
        row.put("slowCallRate", sr < 0 ? "-" : String.format("%.1f%%", sr));
        row.put("bufferedCalls", b.path("bufferedCalls").asInt());
        row.put("notPermitted", b.path("notPermittedCalls").asLong());
        return row;
    }

    static void print(PrintWriter out, OutputOption output, JsonNode b) {
        if (output.json()) {
            Output.json(out, b);
            return;
        }
        Output.table(out, COLUMNS, List.of(row(b)));
        List<Map<String, Object>> history = new ArrayList<>();
        for (JsonNode t : b.path("history")) {
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("at", t.path("at").asText());
            h.put("from", t.path("from").asText("-"));
            h.put("to", t.path("to").asText());
            h.put("reason", t.path("reason").asText());
            history.add(h);
        }
        if (!history.isEmpty()) {
            out.println();
            Output.table(out, List.of("at", "from", "to", "reason"), history);
        }
        out.flush();
    }

    static String path(String name) {
        return "/api/v1/circuit-breakers/" + URLEncoder.encode(name, StandardCharsets.UTF_8);
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Every breaker with its state and window.")
    static final class ListBreakers extends ApiCommand implements Runnable {
        @Override
        public void run() {
            JsonNode body = client().get("/api/v1/circuit-breakers");
            if (output.json()) {
                Output.json(out(), body);
                return;
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            body.path("circuitBreakers").forEach(b -> rows.add(row(b)));
            Output.table(out(), COLUMNS, rows);
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One breaker with its transition history.")
    static final class Show extends ApiCommand implements Runnable {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public void run() {
            print(out(), output, client().get(path(name)));
        }
    }

    @Command(name = "open", mixinStandardHelpOptions = true, description = "Force the breaker open: no call reaches the provider until close or reset.")
    static final class Open extends ApiCommand implements Runnable {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public void run() {
            print(out(), output, client().post(path(name) + "/open", Map.of()));
        }
    }

    @Command(name = "close", mixinStandardHelpOptions = true, description = "Force the breaker closed: calls pass and are not judged until reset.")
    static final class Close extends ApiCommand implements Runnable {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public void run() {
            print(out(), output, client().post(path(name) + "/close", Map.of()));
        }
    }

    @Command(name = "reset", mixinStandardHelpOptions = true, description = "Back to CLOSED with an empty window.")
    static final class Reset extends ApiCommand implements Runnable {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public void run() {
            print(out(), output, client().post(path(name) + "/reset", Map.of()));
        }
    }
}
