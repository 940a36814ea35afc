package io.bulwark.cli.resilience;

import io.bulwark.cli.commands.ApiCommand;
import io.bulwark.cli.commands.GroupCommand;

import com.fasterxml.jackson.databind.JsonNode;
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

/** {@code bulwark providers list | show | set | delete | stats | baseline | queue | retries | set-retries}, over the REST API. */
@Command(name = "providers", mixinStandardHelpOptions = true,
        description = "Provider groups, their providers, statistics, baselines and retry configs.",
        subcommands = {ProvidersCommand.ListGroups.class, ProvidersCommand.Show.class, ProvidersCommand.Set.class,
                ProvidersCommand.Delete.class, ProvidersCommand.Reset.class, ProvidersCommand.Stats.class, ProvidersCommand.Baseline.class,
                ProvidersCommand.Queue.class, ProvidersCommand.Retries.class, ProvidersCommand.SetRetries.class})
final class ProvidersCommand extends GroupCommand {

    static final List<String> COLUMNS = List.of("group", "provider", "breaker", "calls", "errorRate", "p50Ms", "p95Ms",
            "p99Ms", "drift", "degraded");

    static String path(String... parts) {
        StringBuilder sb = new StringBuilder("/api/v1/providers");
        for (String p : parts) {
            sb.append('/').append(URLEncoder.encode(p, StandardCharsets.UTF_8));
        }
        return sb.toString();
    }

    static List<Map<String, Object>> rows(JsonNode group) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (JsonNode p : group.path("providers")) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("group", group.path("name").asText());
            row.put("provider", p.path("name").asText());
            row.put("breaker", p.path("breaker").path("state").asText());
            JsonNode recent = p.path("recent");
            row.put("calls", recent.path("calls").asLong());
            row.put("errorRate", String.format("%.1f%%", recent.path("errorRate").asDouble() * 100));
            row.put("p50Ms", String.format("%.1f", recent.path("p50Ms").asDouble()));
            row.put("p95Ms", String.format("%.1f", recent.path("p95Ms").asDouble()));
            row.put("p99Ms", String.format("%.1f", recent.path("p99Ms").asDouble()));
            row.put("drift", p.path("drift").isEmpty() ? "-" : "DRIFT");
            row.put("degraded", group.path("degradation").path("degraded").asBoolean());
            rows.add(row);
        }
        return rows;
    }

    static String readFile(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw CliException.usage("cannot read " + file + ": " + e.getMessage());
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Every provider: breaker, recent calls, latency, drift.")
    static final class ListGroups extends ApiCommand implements Runnable {
        @Override
        public void run() {
            JsonNode body = client().get(path());
            PrintWriter out = out();
            if (output.json()) {
                Output.json(out, body);
                return;
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            body.path("groups").forEach(g -> rows.addAll(rows(g)));
            Output.table(out, COLUMNS, rows);
        }
    }

    @Command(name = "queue", mixinStandardHelpOptions = true,
            description = {"A group's request queue: calls waiting per priority and caller, their waits, and what "
                    + "became of the calls that waited.", "--watch redraws every --interval until interrupted."})
    static final class Queue extends ApiCommand implements Runnable {
        static final List<String> COLUMNS = List.of("priority", "waiting", "oldestMs", "admitted", "timedOut", "rejected",
                "abandoned", "waitP50Ms", "waitP99Ms");

        @Parameters(paramLabel = "GROUP")
        String group;
        @picocli.CommandLine.Mixin
        io.bulwark.cli.internal.Redraw redraw;

        @Override
        public void run() {
            PrintWriter out = out();
            redraw.run(out, () -> {
                JsonNode q = client().get(path(group, "queue"));
                if (output.json()) {
                    Output.json(out, q);
                } else {
                    draw(out, q);
                }
            });
        }

        static void draw(PrintWriter out, JsonNode q) {
            JsonNode c = q.path("config");
            out.println("group " + q.path("group").asText() + ": " + q.path("depth").asInt() + " waiting of "
                    + c.path("maxSize").asInt() + " (at most " + c.path("maxPerKey").asInt() + " per caller, "
                    + c.path("maxWait").asText() + " each, aging " + c.path("agingStep").asText() + ")"
                    + (q.path("enabled").asBoolean() ? "" : ", queue off"));
            out.println("oldest waited " + q.path("oldestWaitMs").asLong() + "ms, draining " + q.path("drainPerSecond")
                    .asDouble() + " calls/s, a refused call is told Retry-After " + q.path("retryAfterSeconds").asLong()
                    + "s");
            List<Map<String, Object>> rows = new ArrayList<>();
            for (JsonNode p : q.path("priorities")) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("priority", p.path("priority").asInt());
                row.put("waiting", p.path("depth").asInt());
                row.put("oldestMs", p.path("oldestWaitMs").asLong());
                row.put("admitted", p.path("admitted").asLong());
                row.put("timedOut", p.path("timedOut").asLong());
                row.put("rejected", p.path("rejected").asLong());
                row.put("abandoned", p.path("abandoned").asLong());
                row.put("waitP50Ms", p.path("waitP50Ms").asLong());
                row.put("waitP99Ms", p.path("waitP99Ms").asLong());
                rows.add(row);
            }
            Output.table(out, COLUMNS, rows);
            if (!q.path("keys").isEmpty()) {
                List<Map<String, Object>> keys = new ArrayList<>();
                q.path("keys").forEach(k -> keys.add(new LinkedHashMap<>(Map.of("caller", k.path("key").asText(),
                        "waiting", k.path("depth").asInt()))));
                Output.table(out, List.of("caller", "waiting"), keys);
            }
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One group: its providers, degradation and settings.")
    static final class Show extends ApiCommand implements Runnable {
        @Parameters(paramLabel = "GROUP")
        String group;

        @Override
        public void run() {
            JsonNode g = client().get(path(group));
            PrintWriter out = out();
            if (output.json()) {
                Output.json(out, g);
                return;
            }
            Output.table(out, COLUMNS, rows(g));
            out.println("strategy: " + g.path("strategy").asText() + ", fallback chain: " + g.path("fallbackChain"));
            out.println("degradation: " + g.path("degradation").path("reason").asText("none"));
            out.flush();
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = "Create or replace a group from a JSON file (see docs/resilience.md); kept across restarts.")
    static final class Set extends ApiCommand implements Runnable {
        @Parameters(paramLabel = "GROUP")
        String group;
        @Option(names = "--file", required = true, paramLabel = "FILE", description = "The group as JSON.")
        Path file;

        @Override
        public void run() {
            JsonNode g = client().put(path(group), new RawJson(readFile(file)));
            Output.json(out(), g);
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Remove a group; kept across restarts.")
    static final class Delete extends ApiCommand implements Runnable {
        @Parameters(paramLabel = "GROUP")
        String group;

        @Override
        public void run() {
            client().delete(path(group));
            out().println("deleted provider group " + group);
            out().flush();
        }
    }

    @Command(name = "reset", mixinStandardHelpOptions = true,
            description = "Drop a group's version changed over the API: it runs as configured (file, env, flags) again.")
    static final class Reset extends ApiCommand implements Runnable {
        @Parameters(paramLabel = "GROUP")
        String group;

        @Override
        public void run() {
            JsonNode r = client().post(path(group) + "/reset", java.util.Map.of());
            if (output.json()) {
                Output.json(out(), r);
                return;
            }
            String dropped = r.path("droppedStored").asBoolean() ? "dropped the version kept in the store; "
                    : "nothing was kept in the store; ";
            out().println("provider group " + group + ": " + dropped + (r.path("runs").asBoolean()
                    ? "it runs as configured" : "it is not configured, so it is gone"));
            out().flush();
        }
    }

    @Command(name = "stats", mixinStandardHelpOptions = true, description = "A provider's latency and error series, baseline and drift.")
    static final class Stats extends ApiCommand implements Runnable {
        @Parameters(index = "0", paramLabel = "GROUP")
        String group;
        @Parameters(index = "1", paramLabel = "PROVIDER")
        String provider;

        @Override
        public void run() {
            JsonNode s = client().get(path(group, provider, "stats"));
            PrintWriter out = out();
            if (output.json()) {
                Output.json(out, s);
                return;
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            for (JsonNode p : s.path("series")) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("start", p.path("start").asText());
                row.put("calls", p.path("calls").asLong());
                row.put("errors", p.path("errors").asLong());
                row.put("p50Ms", String.format("%.1f", p.path("p50Ms").asDouble()));
                row.put("p95Ms", String.format("%.1f", p.path("p95Ms").asDouble()));
                row.put("p99Ms", String.format("%.1f", p.path("p99Ms").asDouble()));
                rows.add(row);
            }
            Output.table(out, List.of("start", "calls", "errors", "p50Ms", "p95Ms", "p99Ms"), rows);
            out.println("baseline: " + (s.path("baseline").isNull() || s.path("baseline").isMissingNode() ? "none (record one with 'bulwark providers baseline')"
                    : s.path("baseline")));
            out.println("drift: " + (s.path("drift").isEmpty() ? "none" : s.path("drift")));
            out.flush();
        }
    }

    @Command(name = "baseline", mixinStandardHelpOptions = true,
            description = "Record the provider's recent latency and error rate as its baseline, for drift detection.")
    static final class Baseline extends ApiCommand implements Runnable {
        @Parameters(index = "0", paramLabel = "GROUP")
        String group;
        @Parameters(index = "1", paramLabel = "PROVIDER")
        String provider;

        @Override
        public void run() {
            Output.json(out(), client().post(path(group, provider, "baseline"), Map.of()));
        }
    }

    @Command(name = "retries", mixinStandardHelpOptions = true, description = "The retry configs providers name.")
    static final class Retries extends ApiCommand implements Runnable {
        @Override
        public void run() {
            Output.json(out(), client().get("/api/v1/retry-configs"));
        }
    }

    @Command(name = "set-retries", mixinStandardHelpOptions = true,
            description = "Replace every retry config from a JSON file {\"retryConfigs\": {...}}; kept across restarts.")
    static final class SetRetries extends ApiCommand implements Runnable {
        @Option(names = "--file", required = true, paramLabel = "FILE")
        Path file;

        @Override
        public void run() {
            Output.json(out(), client().put("/api/v1/retry-configs", new RawJson(readFile(file))));
        }
    }

    /** A JSON document sent as it is. */
    record RawJson(@com.fasterxml.jackson.annotation.JsonValue @com.fasterxml.jackson.annotation.JsonRawValue String json) {
    }
}
