package io.bulwark.cli.scaling;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.cli.commands.ApiCommand;
import io.bulwark.cli.commands.GroupCommand;
import io.bulwark.cli.internal.CliException;
import io.bulwark.cli.internal.Output;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code bulwark scaling status | decisions | policy} over the REST API, and {@code simulate} offline. */
@Command(name = "scaling", mixinStandardHelpOptions = true, description = "The autoscaler: its policy and its decisions.",
        subcommands = {ScalingCommand.Status.class, ScalingCommand.Decisions.class, ScalingCommand.Policy.class,
                ScalingCommand.Recommend.class, SimulateCommand.class})
final class ScalingCommand extends GroupCommand {

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Whether the autoscaler is on, its driver and policy, and the last decision explained.")
    static final class Status extends ApiCommand implements Runnable {
        @Override
        public void run() {
            JsonNode body = client().get("/api/v1/scaling");
            PrintWriter out = out();
            if (output.json()) {
                Output.json(out, body);
                return;
            }
            JsonNode p = body.path("policy");
            out.println("autoscaler " + (body.path("enabled").asBoolean() ? "on" : "off") + ", driver "
                    + body.path("driver").asText() + (body.path("leader").asBoolean() ? " (this node leads)" : ""));
            List<String> targets = new ArrayList<>();
            if (p.has("waitingJobsPerWorker")) {
                targets.add(p.path("waitingJobsPerWorker").asDouble() + " waiting jobs per worker");
            }
            if (p.has("cpuPercent")) {
                targets.add(p.path("cpuPercent").asDouble() + "% CPU");
            }
            if (p.has("memoryPercent")) {
                targets.add(p.path("memoryPercent").asDouble() + "% memory");
            }
            out.println("policy: " + p.path("minReplicas").asInt() + " to " + p.path("maxReplicas").asInt()
                    + " workers, " + String.join(", ", targets) + ", tolerance "
                    + p.path("tolerance").asDouble() + ", scale-down window " + p.path("scaleDownStabilization").asText()
                    + ", queues " + String.join(",", names(p.path("queues"))) + ", every " + p.path("interval").asText());
            JsonNode last = body.path("last");
            if (last.isMissingNode() || last.isNull()) {
                out.println("no decision yet");
            } else {
                out.println("last decision at " + last.path("at").asText() + " on " + last.path("node").asText() + ": "
                        + last.path("current").asInt() + " → " + last.path("desired").asInt() + " (" + last.path("rule").asText()
                        + (last.path("applied").asBoolean() ? ", applied" : "") + ")");
                out.println("  " + last.path("explanation").asText());
                if (!last.path("note").asText().isEmpty()) {
                    out.println("  " + last.path("note").asText());
                }
            }
            out.flush();
        }
    }

    @Command(name = "decisions", mixinStandardHelpOptions = true, description = "Recent decisions, newest first.")
    static final class Decisions extends ApiCommand implements Runnable {
        @Option(names = "--limit", paramLabel = "N", defaultValue = "20", description = "How many, 1 to 1000 (default 20).")
        int limit;

        @Override
        public void run() {
            if (limit < 1 || limit > 1000) {
                throw CliException.usage("--limit must be between 1 and 1000 but was " + limit);
            }
            JsonNode body = client().get("/api/v1/scaling/decisions?limit=" + limit);
            PrintWriter out = out();
            if (output.json()) {
                Output.json(out, body);
                return;
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            for (JsonNode d : body.path("decisions")) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("at", d.path("at").asText());
                row.put("node", d.path("node").asText());
                row.put("waiting", (long) d.path("waitingJobs").asDouble());
                row.put("current", d.path("current").asInt());
                row.put("recommended", d.path("recommended").asInt());
                row.put("desired", d.path("desired").asInt());
                row.put("rule", d.path("rule").asText());
                row.put("applied", d.path("applied").asBoolean() ? "yes" : d.path("note").asText().isEmpty() ? "-"
                        : d.path("note").asText());
                rows.add(row);
            }
            Output.table(out, List.of("at", "node", "waiting", "current", "recommended", "desired", "rule", "applied"), rows);
        }
    }

    @Command(name = "policy", mixinStandardHelpOptions = true,
            description = {"Show the autoscaler's policy as YAML, set one from a file (--set), or go back to the "
                    + "configured one (--reset).",
                    "The file has the shape of an HPA's spec: minReplicas, maxReplicas, waitingJobsPerWorker, tolerance, "
                            + "behavior.scaleUp/scaleDown (stabilizationWindow, selectPolicy, policies). It is kept in the "
                            + "store: every node and a new leader use it."})
    static final class Policy extends ApiCommand implements Runnable {
        @Option(names = "--set", paramLabel = "FILE", description = "A policy in YAML or JSON.")
        java.nio.file.Path set;

        @Option(names = "--reset", description = "Remove the policy set over the API.")
        boolean reset;

        private static final com.fasterxml.jackson.databind.ObjectMapper YAML =
                new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()
                        .disable(com.fasterxml.jackson.dataformat.yaml.YAMLGenerator.Feature.WRITE_DOC_START_MARKER));

        @Override
        public void run() {
            if (set != null && reset) {
                throw CliException.usage("--set and --reset cannot be used together");
            }
            JsonNode body;
            if (set != null) {
                Object doc;
                try {
                    doc = YAML.readValue(set.toFile(), Object.class);
                } catch (java.io.IOException e) {
                    throw CliException.usage("--set " + set + " is not readable YAML or JSON: "
                            + e.getMessage().lines().findFirst().orElse(""));
                }
                body = client().put("/api/v1/scaling/policy", doc);
            } else if (reset) {
                body = client().delete("/api/v1/scaling/policy");
            } else {
                body = client().get("/api/v1/scaling");
            }
            PrintWriter out = out();
            if (output.json()) {
                Output.json(out, body.path("policy"));
                return;
            }
            Map<String, Object> policy = new LinkedHashMap<>();
            JsonNode p = body.path("policy");
            for (String k : List.of("minReplicas", "maxReplicas", "waitingJobsPerWorker", "cpuPercent", "memoryPercent",
                    "tolerance", "behavior")) {
                if (p.has(k)) {
                    policy.put(k, p.path(k));
                }
            }
            out.println("# from " + p.path("source").asText() + (p.path("updatedAt").isTextual()
                    ? ", set " + p.path("updatedAt").asText() : ""));
            try {
                out.print(YAML.writeValueAsString(policy));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            out.flush();
        }
    }

    @Command(name = "recommend", mixinStandardHelpOptions = true,
            description = "CPU and memory requests per deployment (api, worker, both), as the VPA recommends them from the "
                    + "fleet's usage history: lower bound, target and upper bound.")
    static final class Recommend extends ApiCommand implements Runnable {
        @Override
        public void run() {
            JsonNode body = client().get("/api/v1/scaling/recommendations");
            PrintWriter out = out();
            if (output.json()) {
                Output.json(out, body);
                return;
            }
            if (!body.path("enabled").asBoolean()) {
                out.println("the recommender is off (scaling.recommender.enabled=false)");
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            for (JsonNode d : body.path("deployments")) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("deployment", d.path("deployment").asText());
                row.put("samples", d.path("samples").asLong());
                row.put("history", d.path("history").asText());
                row.put("cpu (lower/target/upper)", bounds(d.path("cpu"), "Millicores", "m"));
                row.put("memory (lower/target/upper)", bounds(d.path("memory"), "MiB", "Mi"));
                rows.add(row);
            }
            Output.table(out, List.of("deployment", "samples", "history", "cpu (lower/target/upper)",
                    "memory (lower/target/upper)"), rows);
            if (rows.isEmpty()) {
                out.println("no usage history yet: the leader adds the fleet's figures every scaling.recommender.interval");
            }
            out.flush();
        }

        private static String bounds(JsonNode r, String unit, String suffix) {
            return String.join(" / ", List.of(value(r.path("lower" + unit).asLong(), suffix),
                    value(r.path("target" + unit).asLong(), suffix), value(r.path("upper" + unit).asLong(), suffix)));
        }

        private static String value(long v, String suffix) {
            return v < 0 ? "open" : v + suffix;
        }
    }

    private static List<String> names(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
