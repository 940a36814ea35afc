package io.bulwark.cli.ratelimit;

import io.bulwark.cli.commands.ApiCommand;
import io.bulwark.cli.commands.GroupCommand;
import io.bulwark.cli.commands.OutputOption;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bulwark.cli.internal.CliException;
import io.bulwark.cli.internal.Output;
import io.bulwark.core.json.Json;
import io.bulwark.ratelimit.Algorithm;
import io.bulwark.ratelimit.RateLimitConfig;
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

/** {@code bulwark limits list | show | set | usage}: the server's endpoint rate limits, over the REST API. */
@Command(name = "limits", mixinStandardHelpOptions = true, description = "Inspect and change the API's rate limits.",
        subcommands = {LimitsCommand.ListLimits.class, LimitsCommand.Show.class, LimitsCommand.Set.class,
                LimitsCommand.UsageOf.class})
final class LimitsCommand extends GroupCommand {

    static final List<String> COLUMNS = List.of("name", "route", "limits", "algorithm", "key", "bypass", "source", "trackedKeys");

    static Map<String, Object> row(JsonNode e) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (String c : COLUMNS) {
            row.put(c, e.path(c).asText());
        }
        return row;
    }

    static JsonNode find(JsonNode list, String name) {
        for (JsonNode e : list.path("endpoints")) {
            if (e.path("name").asText().equals(name)) {
                return e;
            }
        }
        List<String> known = new ArrayList<>();
        list.path("endpoints").forEach(e -> known.add(e.path("name").asText()));
        throw CliException.failure("no rate limit named '" + name + "'; known: " + known);
    }

    static void print(PrintWriter out, OutputOption output, JsonNode e) {
        if (output.json()) {
            Output.json(out, e);
        } else {
            Output.table(out, COLUMNS, List.of(row(e)));
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Every endpoint limit.")
    static final class ListLimits extends ApiCommand implements Runnable {
        @Override
        public void run() {
            JsonNode body = client().get("/api/v1/rate-limits");
            if (output.json()) {
                Output.json(out(), body);
                return;
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            body.path("endpoints").forEach(e -> rows.add(row(e)));
            Output.table(out(), COLUMNS, rows);
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One endpoint limit.")
    static final class Show extends ApiCommand implements Runnable {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public void run() {
            print(out(), output, find(client().get("/api/v1/rate-limits"), name));
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = "Create or change an endpoint limit; it applies at once and persists across restarts.")
    static final class Set extends ApiCommand implements Runnable {
        @Parameters(paramLabel = "NAME")
        String name;
        @Option(names = "--limits", paramLabel = "LIMITS", description = "e.g. 100/1m,5000/1h (units ms, s, m, h, d).")
        String limits;
        @Option(names = "--algorithm", paramLabel = "ALGORITHM", description = "token-bucket (default), leaky-bucket, "
                + "leaky-bucket-pacing, fixed-window, sliding-log, sliding-counter.")
        String algorithm;
        @Option(names = "--route", paramLabel = "ROUTE", description = "e.g. 'POST /api/v1/jobs' (required for a new limit).")
        String route;
        @Option(names = "--key", paramLabel = "KEY", description = "apiKey (default), ip or header:<Name>.")
        String key;
        @Option(names = "--bypass", paramLabel = "WHO", description = "admin and/or API key ids, comma-separated.")
        String bypass;

        @Override
        public void run() {
            Algorithm a = Algorithm.TOKEN_BUCKET;
            try {
                if (algorithm != null) {
                    a = Algorithm.parse(algorithm);
                }
                if (limits != null) {
                    RateLimitConfig.parseLimits(limits, a);
                }
            } catch (IllegalArgumentException e) {
                throw CliException.usage(e.getMessage());
            }
            ObjectNode spec = Json.mapper().createObjectNode();
            put(spec, "route", route);
            put(spec, "limits", limits);
            put(spec, "algorithm", algorithm == null ? null : a.id());
            put(spec, "key", key);
            put(spec, "bypass", bypass);
            if (spec.isEmpty()) {
                throw CliException.usage("give at least one setting to change, e.g. --limits 100/1m,5000/1h");
            }
            ObjectNode body = Json.mapper().createObjectNode();
            body.putObject("endpoints").set(name, spec);
            print(out(), output, find(client().put("/api/v1/rate-limits", body), name));
        }

        private static void put(ObjectNode node, String field, String value) {
            if (value != null) {
                node.put(field, value);
            }
        }
    }

    @Command(name = "usage", mixinStandardHelpOptions = true,
            description = "What one key has used of an endpoint limit (keys look like key:<id>, ip:<address>, header:<value>).")
    static final class UsageOf extends ApiCommand implements Runnable {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Parameters(index = "1", paramLabel = "KEY")
        String key;

        @Override
        public void run() {
            JsonNode body = client().get("/api/v1/rate-limits/" + encode(name) + "/keys/" + encode(key));
            if (output.json()) {
                Output.json(out(), body);
                return;
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            body.path("limits").forEach(l -> {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("limit", l.path("limit").asText());
                row.put("algorithm", l.path("algorithm").asText());
                row.put("used", l.path("used").asLong());
                row.put("remaining", l.path("remaining").asLong());
                row.put("resetAfterSeconds", (l.path("resetAfterMillis").asLong() + 999) / 1000);
                rows.add(row);
            });
            Output.table(out(), List.of("limit", "algorithm", "used", "remaining", "resetAfterSeconds"), rows);
        }

        private static String encode(String s) {
            return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
        }
    }
}
