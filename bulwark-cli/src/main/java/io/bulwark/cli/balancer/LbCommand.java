package io.bulwark.cli.balancer;

import io.bulwark.cli.commands.ApiCommand;
import io.bulwark.cli.commands.GroupCommand;

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

/** {@code bulwark lb list | show GROUP}, over the REST API. */
@Command(name = "lb", mixinStandardHelpOptions = true, description = "Inspect load balancer groups.",
        subcommands = {LbCommand.ListGroups.class, LbCommand.Show.class})
final class LbCommand extends GroupCommand {

    static final List<String> GROUP_COLUMNS = List.of("name", "strategy", "endpoints", "available", "ejected",
            "requests", "activeHealthChecks");

    static final List<String> ENDPOINT_COLUMNS = List.of("id", "uri", "weight", "healthy", "ejected", "ejections",
            "inFlight", "maxConcurrent", "ewmaMs", "requests", "failures", "share");

    static Map<String, Object> groupRow(JsonNode g) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("name", g.path("name").asText());
        row.put("strategy", g.path("strategy").asText());
        row.put("endpoints", g.path("endpointCount").asInt());
        row.put("available", g.path("available").asInt());
        row.put("ejected", g.path("ejected").asInt());
        row.put("requests", g.path("requests").asLong());
        row.put("activeHealthChecks", g.path("activeHealthChecks").asBoolean());
        return row;
    }

    static Map<String, Object> endpointRow(JsonNode e) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", e.path("id").asText());
        row.put("uri", e.path("uri").asText());
        row.put("weight", e.path("weight").asInt());
        row.put("healthy", e.path("healthy").asBoolean());
        row.put("ejected", e.path("ejected").asBoolean()
                ? "for " + e.path("ejectedForSeconds").asDouble() + "s" : "no");
        row.put("ejections", e.path("ejections").asInt());
        row.put("inFlight", e.path("inFlight").asInt());
        row.put("maxConcurrent", e.path("maxConcurrent").asInt() == 0 ? "-" : e.path("maxConcurrent").asText());
        row.put("ewmaMs", String.format("%.1f", e.path("ewmaLatencyMillis").asDouble()));
        row.put("requests", e.path("requests").asLong());
        row.put("failures", e.path("failures").asLong());
        row.put("share", String.format("%.1f%%", 100 * e.path("share").asDouble()));
        return row;
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Every group: strategy, endpoints, how many are available or ejected.")
    static final class ListGroups extends ApiCommand implements Runnable {

        @Override
        public void run() {
            JsonNode body = client().get("/api/v1/load-balancing");
            PrintWriter out = out();
            if (output.json()) {
                Output.json(out, body);
                return;
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            body.path("groups").forEach(g -> rows.add(groupRow(g)));
            Output.table(out, GROUP_COLUMNS, rows);
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "One group: each endpoint's health, ejections, in flight, latency and share of requests.")
    static final class Show extends ApiCommand implements Runnable {
        @Parameters(paramLabel = "GROUP")
        String name;

        @Override
        public void run() {
            JsonNode g = client().get("/api/v1/load-balancing/" + URLEncoder.encode(name, StandardCharsets.UTF_8));
            PrintWriter out = out();
            if (output.json()) {
                Output.json(out, g);
                return;
            }
            Output.table(out, GROUP_COLUMNS, List.of(groupRow(g)));
            out.println();
            List<Map<String, Object>> rows = new ArrayList<>();
            g.path("endpoints").forEach(e -> rows.add(endpointRow(e)));
            Output.table(out, ENDPOINT_COLUMNS, rows);
        }
    }
}
