package io.bulwark.cli.cluster;

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

/** {@code bulwark nodes list | show | drain}, over the REST API. */
@Command(name = "nodes", mixinStandardHelpOptions = true, description = "The nodes of the fleet: list, show, drain.",
        subcommands = {NodesCommand.ListNodes.class, NodesCommand.Show.class, NodesCommand.Drain.class})
final class NodesCommand extends GroupCommand {

    static final List<String> COLUMNS = List.of("id", "role", "state", "leader", "heartbeatAge", "inFlight", "capacity",
            "queues", "version");

    static Map<String, Object> row(JsonNode n) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", n.path("id").asText());
        row.put("role", n.path("role").asText());
        row.put("state", n.path("state").asText());
        row.put("leader", n.path("leader").asBoolean() ? "term " + n.path("term").asLong() : "");
        row.put("heartbeatAge", String.format("%.1fs", n.path("heartbeatAgeMs").asLong() / 1000.0));
        row.put("inFlight", n.path("inFlight").asInt());
        row.put("capacity", n.path("capacity").asInt());
        List<String> queues = new ArrayList<>();
        n.path("queues").forEach(q -> queues.add(q.asText()));
        row.put("queues", queues.isEmpty() ? "all" : String.join(",", queues));
        row.put("version", n.path("version").asText());
        return row;
    }

    static String path(String id) {
        return "/api/v1/nodes/" + URLEncoder.encode(id, StandardCharsets.UTF_8);
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Every node: role, state (alive, suspect, dead, draining), leader, heartbeat age, load.")
    static final class ListNodes extends ApiCommand implements Runnable {
        @Override
        public void run() {
            JsonNode body = client().get("/api/v1/nodes");
            PrintWriter out = out();
            if (output.json()) {
                Output.json(out, body);
                return;
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            body.path("items").forEach(n -> rows.add(row(n)));
            Output.table(out, COLUMNS, rows);
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One node.")
    static final class Show extends ApiCommand implements Runnable {
        @Parameters(paramLabel = "ID")
        String id;

        @Override
        public void run() {
            JsonNode n = client().get(path(id));
            if (output.json()) {
                Output.json(out(), n);
            } else {
                Output.table(out(), COLUMNS, List.of(row(n)));
            }
        }
    }

    @Command(name = "drain", mixinStandardHelpOptions = true,
            description = "Ask a node to stop claiming and leave once its running jobs end.")
    static final class Drain extends ApiCommand implements Runnable {
        @Parameters(paramLabel = "ID")
        String id;

        @Override
        public void run() {
            JsonNode r = client().post(path(id) + "/drain", Map.of());
            if (output.json()) {
                Output.json(out(), r);
            } else {
                out().println("Node " + id + " drains: " + r.path("detail").asText());
                out().flush();
            }
        }
    }
}
