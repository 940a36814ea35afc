package io.bulwark.cli.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bulwark.cli.commands.ApiCommand;
import io.bulwark.cli.commands.GroupCommand;
import io.bulwark.cli.internal.CliException;
import io.bulwark.cli.internal.Output;
import io.bulwark.core.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code bulwark messaging list | publish | dead | redrive}, over the REST API. */
@Command(name = "messaging", mixinStandardHelpOptions = true,
        description = "Broker connections and bridges: list, publish a message, read and redrive dead letters.",
        subcommands = {MessagingCommand.ListConnections.class, MessagingCommand.Publish.class, MessagingCommand.Consume.class,
                MessagingCommand.Dead.class, MessagingCommand.Redrive.class})
final class MessagingCommand extends GroupCommand {

    static String path(String connection) {
        return "/api/v1/messaging/" + URLEncoder.encode(connection, StandardCharsets.UTF_8);
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Every connection (type, URL without password, up) and its bridges (topic, group, target, in flight).")
    static final class ListConnections extends ApiCommand implements Runnable {
        @Override
        public void run() {
            JsonNode body = client().get("/api/v1/messaging");
            if (output.json()) {
                Output.json(out(), body);
                return;
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            body.path("connections").forEach(c -> {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("connection", c.path("name").asText());
                r.put("type", c.path("type").asText());
                r.put("url", c.path("url").asText());
                r.put("up", c.path("up").asBoolean() ? "yes" : "no: " + c.path("error").asText("no answer"));
                rows.add(r);
            });
            Output.table(out(), List.of("connection", "type", "url", "up"), rows);
            List<Map<String, Object>> bridges = new ArrayList<>();
            body.path("connections").forEach(c -> c.path("bridges").forEach(b -> {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("bridge", b.path("name").asText());
                r.put("connection", c.path("name").asText());
                r.put("topic", b.path("topic").asText());
                r.put("group", b.path("group").asText());
                r.put("target", b.path("target").asText());
                r.put("running", b.path("running").asBoolean() ? "yes" : "no");
                r.put("inFlight", b.path("inFlight").asInt());
                bridges.add(r);
            }));
            if (!bridges.isEmpty()) {
                out().println();
                Output.table(out(), List.of("bridge", "connection", "topic", "group", "target", "running", "inFlight"), bridges);
            }
        }
    }

    @Command(name = "publish", mixinStandardHelpOptions = true,
            description = "Publish a message: MESSAGE is JSON, or any other text sent as it is.")
    static final class Publish extends ApiCommand implements Runnable {
        @Parameters(index = "0", paramLabel = "CONNECTION")
        String connection;

        @Parameters(index = "1", paramLabel = "TOPIC")
        String topic;

        @Parameters(index = "2", paramLabel = "MESSAGE")
        String message;

        @Option(names = "--header", paramLabel = "NAME=VALUE", description = "A header (repeatable).")
        List<String> headers = new ArrayList<>();

        @Option(names = "--key", paramLabel = "KEY", description = "The ordering/partitioning key, where the broker has one.")
        String key;

        @Option(names = "--delay", paramLabel = "DURATION", description = "Deliver no sooner than this, e.g. 30s.")
        String delay;

        @Override
        public void run() {
            ObjectNode body = Json.mapper().createObjectNode().put("topic", topic);
            try {
                body.set("message", Json.mapper().readTree(message));
            } catch (JsonProcessingException e) {
                body.put("message", message);
            }
            ObjectNode h = body.putObject("headers");
            for (String header : headers) {
                int eq = header.indexOf('=');
                if (eq <= 0) {
                    throw CliException.usage("--header must be NAME=VALUE but was '" + header + "'");
                }
                h.put(header.substring(0, eq), header.substring(eq + 1));
            }
            if (key != null) {
                body.put("key", key);
            }
            if (delay != null) {
                body.put("delay", delay);
            }
            JsonNode p = client().post(path(connection) + "/publish", body);
            if (output.json()) {
                Output.json(out(), p);
            } else {
                out().println("Published " + p.path("id").asText() + " to " + p.path("topic").asText()
                        + (delay == null ? "" : ", deliverable at " + p.path("deliverAt").asText()));
                out().flush();
            }
        }
    }

    @Command(name = "consume", mixinStandardHelpOptions = true,
            description = {"Take up to N messages of a topic in a group and print them: id, key, headers, body.",
                    "They are acknowledged as the server takes them: for looking at a topic, not for work that must",
                    "not be lost. A new group gets what is published from its first consume on."})
    static final class Consume extends ApiCommand implements Runnable {
        @Parameters(index = "0", paramLabel = "CONNECTION")
        String connection;

        @Parameters(index = "1", paramLabel = "TOPIC")
        String topic;

        @Option(names = "--count", paramLabel = "N", defaultValue = "1", description = "At most N (1-1000, default ${DEFAULT-VALUE}).")
        int count;

        @Option(names = "--group", paramLabel = "GROUP", defaultValue = "bulwark-consume",
                description = "The consumer group (default ${DEFAULT-VALUE}).")
        String group;

        @Option(names = "--wait", paramLabel = "DURATION", defaultValue = "10s",
                description = "Give up waiting for more after this long (at most 5m, default ${DEFAULT-VALUE}).")
        String wait;

        @Override
        public void run() {
            java.time.Duration w;
            try {
                w = io.bulwark.core.units.Durations.parse(wait);
            } catch (IllegalArgumentException e) {
                throw CliException.usage("--wait " + e.getMessage());
            }
            JsonNode r = client().post(path(connection) + "/consume",
                    Map.of("topic", topic, "group", group, "count", count, "wait", wait), w.plusSeconds(30));
            if (output.json()) {
                Output.json(out(), r);
                return;
            }
            for (JsonNode m : r.path("messages")) {
                String body = m.path("body").isTextual() ? m.path("body").asText() : m.path("body").toString();
                StringBuilder line = new StringBuilder(m.path("id").asText());
                if (m.hasNonNull("key")) {
                    line.append("  key=").append(m.path("key").asText());
                }
                m.path("headers").fields().forEachRemaining(h -> line.append("  ").append(h.getKey()).append('=')
                        .append(h.getValue().asText()));
                out().println(line.append("  ").append(body));
            }
            int n = r.path("messages").size();
            err().println(n + " message(s) of " + topic + (n < count ? " (the wait of " + wait + " ran out)" : ""));
            out().flush();
            err().flush();
        }
    }

    @Command(name = "dead", mixinStandardHelpOptions = true,
            description = "A topic's dead letters, oldest first: id, why it died, body.")
    static final class Dead extends ApiCommand implements Runnable {
        @Parameters(index = "0", paramLabel = "CONNECTION")
        String connection;

        @Parameters(index = "1", paramLabel = "TOPIC")
        String topic;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "100", description = "At most N (default ${DEFAULT-VALUE}).")
        int limit;

        @Override
        public void run() {
            JsonNode body = client().get(path(connection) + "/dead?topic=" + URLEncoder.encode(topic, StandardCharsets.UTF_8)
                    + "&limit=" + limit);
            if (output.json()) {
                Output.json(out(), body);
                return;
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            body.path("items").forEach(d -> {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("id", d.path("id").asText());
                r.put("reason", d.path("reason").asText());
                String text = d.path("body").isTextual() ? d.path("body").asText() : d.path("body").toString();
                r.put("body", text.length() > 80 ? text.substring(0, 77) + "..." : text);
                rows.add(r);
            });
            Output.table(out(), List.of("id", "reason", "body"), rows);
        }
    }

    @Command(name = "redrive", mixinStandardHelpOptions = true,
            description = "Publish a topic's dead letters again (as first deliveries, same ids) and remove them from the dead letters.")
    static final class Redrive extends ApiCommand implements Runnable {
        @Parameters(index = "0", paramLabel = "CONNECTION")
        String connection;

        @Parameters(index = "1", paramLabel = "TOPIC")
        String topic;

        @Option(names = "--max", paramLabel = "N", defaultValue = "100", description = "At most N (1-1000, default ${DEFAULT-VALUE}).")
        int max;

        @Override
        public void run() {
            JsonNode r = client().post(path(connection) + "/dead/redrive", Map.of("topic", topic, "max", max));
            if (output.json()) {
                Output.json(out(), r);
            } else {
                out().println("Redrove " + r.path("redriven").asInt() + " dead letter(s) of " + topic);
                out().flush();
            }
        }
    }
}
