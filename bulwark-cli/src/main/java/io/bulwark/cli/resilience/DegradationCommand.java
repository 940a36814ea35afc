package io.bulwark.cli.resilience;

import io.bulwark.cli.commands.ApiCommand;
import io.bulwark.cli.commands.GroupCommand;
import io.bulwark.cli.commands.OutputOption;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.cli.internal.Output;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code bulwark degradation status | enter | exit}, over the REST API. */
@Command(name = "degradation", mixinStandardHelpOptions = true,
        description = "Degradation of provider groups: state and history; switch it on or off by hand.",
        subcommands = {DegradationCommand.Status.class, DegradationCommand.Enter.class, DegradationCommand.Exit.class})
final class DegradationCommand extends GroupCommand {

    static final List<String> COLUMNS = List.of("group", "degraded", "since", "manual", "reducedMode", "reason");

    static Map<String, Object> row(JsonNode d) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("group", d.path("group").asText());
        row.put("degraded", d.path("degraded").asBoolean());
        row.put("since", d.path("since").asText("-"));
        row.put("manual", d.path("manual").asBoolean());
        row.put("reducedMode", d.path("reducedMode").asBoolean());
        row.put("reason", d.path("reason").asText());
        return row;
    }

    static void print(PrintWriter out, OutputOption output, JsonNode d) {
        if (output.json()) {
            Output.json(out, d);
            return;
        }
        Output.table(out, COLUMNS, List.of(row(d)));
        List<Map<String, Object>> history = new ArrayList<>();
        for (JsonNode e : d.path("history")) {
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("enteredAt", e.path("enteredAt").asText());
            h.put("recoveredAt", e.path("recoveredAt").asText("(ongoing)"));
            h.put("durationMs", e.path("durationMs").asText("-"));
            h.put("reason", e.path("reason").asText());
            history.add(h);
        }
        if (!history.isEmpty()) {
            out.println();
            Output.table(out, List.of("enteredAt", "recoveredAt", "durationMs", "reason"), history);
        }
        out.flush();
    }

    static String path(String group) {
        return "/api/v1/degradation/" + URLEncoder.encode(group, StandardCharsets.UTF_8);
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Every group's degradation, or one group's with its history.")
    static final class Status extends ApiCommand implements Runnable {
        @Parameters(paramLabel = "GROUP", arity = "0..1")
        String group;

        @Override
        public void run() {
            if (group != null) {
                print(out(), output, client().get(path(group)));
                return;
            }
            JsonNode body = client().get("/api/v1/degradation");
            if (output.json()) {
                Output.json(out(), body);
                return;
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            body.path("groups").forEach(d -> rows.add(row(d)));
            Output.table(out(), COLUMNS, rows);
        }
    }

    @Command(name = "enter", mixinStandardHelpOptions = true,
            description = "Switch degradation on for a group; its actions apply until 'exit'.")
    static final class Enter extends ApiCommand implements Runnable {
        @Parameters(paramLabel = "GROUP")
        String group;
        @Option(names = "--reason", paramLabel = "TEXT", description = "Why, for the history.")
        String reason;

        @Override
        public void run() {
            print(out(), output, client().post(path(group) + "/enter",
                    reason == null ? Map.of() : Map.of("reason", reason)));
        }
    }

    @Command(name = "exit", mixinStandardHelpOptions = true, description = "Switch a manual degradation off.")
    static final class Exit extends ApiCommand implements Runnable {
        @Parameters(paramLabel = "GROUP")
        String group;

        @Override
        public void run() {
            print(out(), output, client().post(path(group) + "/exit", Map.of()));
        }
    }
}
