package io.bulwark.server.internal.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bulwark.core.json.Json;
import io.bulwark.pipeline.PipelineDefinition;
import io.bulwark.pipeline.PipelineDefinitions;
import io.bulwark.pipeline.Problem;
import io.bulwark.pipeline.StepDefinition;
import io.bulwark.pipeline.StepStatus;
import io.bulwark.pipeline.store.PipelineRun;
import io.bulwark.pipeline.store.StepRecord;
import io.bulwark.pipeline.store.StoredPipeline;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.Optional;
import java.util.Set;

/** The JSON the pipeline and run routes answer with. */
final class PipelineViews {

    private PipelineViews() {
    }

    /** A stored version: {@code id}, {@code version}, {@code registeredAt}, {@code definition} (canonical form). */
    static ObjectNode pipeline(StoredPipeline p) {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("id", p.id());
        o.put("version", p.version());
        o.put("registeredAt", p.registeredAt().toString());
        o.put("steps", p.definition().steps().size());
        o.set("definition", PipelineDefinitions.toTree(p.definition()));
        return o;
    }

    /** The latest version with {@code versions}: each version's number and registration time, oldest first. */
    static ObjectNode withVersions(StoredPipeline latest, List<StoredPipeline> versions) {
        ObjectNode o = pipeline(latest);
        ArrayNode a = o.putArray("versions");
        versions.forEach(v -> a.addObject().put("version", v.version()).put("registeredAt", v.registeredAt().toString()));
        return o;
    }

    /** Problems of a definition: each with {@code step} (or null), {@code field} and {@code message}. */
    static ArrayNode problems(List<Problem> problems) {
        ArrayNode a = Json.mapper().createArrayNode();
        for (Problem p : problems) {
            ObjectNode o = a.addObject();
            o.put("step", p.stepId());
            o.put("field", p.field().isEmpty() ? "(document)" : p.field());
            o.put("message", p.message());
        }
        return a;
    }

    /** A run in a list: no input, no steps. */
    static ObjectNode runSummary(PipelineRun r) {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("id", r.id().toString());
        o.put("pipeline", r.pipeline());
        o.put("version", r.version());
        o.put("state", r.phase().id());
        o.put("idempotencyKey", r.idempotencyKey());
        o.put("failedStep", r.failedStep());
        o.put("error", r.error());
        o.put("createdAt", r.createdAt().toString());
        o.put("finishedAt", time(r.finishedAt()));
        putDuration(o, r.createdAt(), r.finishedAt());
        return o;
    }

    /**
     * A run with its input, its {@code output} once completed (null before), and {@code steps}, in
     * the order the definition lists them (a fan-out's branches by index), each with its
     * {@code type}. A step the run has not reached yet is listed as {@code pending}; a fallback
     * step only once it ran in place of a failed one.
     */
    static ObjectNode run(PipelineRun r, Optional<PipelineDefinition> definition, Optional<JsonNode> output) {
        ObjectNode o = runSummary(r);
        o.set("input", r.input() == null ? Json.mapper().nullNode() : r.input());
        o.set("output", output.orElse(Json.mapper().nullNode()));
        o.put("retries", r.generation());
        ArrayNode steps = o.putArray("steps");
        List<String> order = definition.map(d -> d.steps().stream().map(StepDefinition::id).toList()).orElse(List.of());
        List<StepRecord> records = new ArrayList<>(r.steps());
        records.sort(Comparator.comparingInt((StepRecord s) -> position(order, s.instance().stepId()))
                .thenComparing(StepRecord::instance, io.bulwark.pipeline.StepInstance.ORDER));
        Set<String> recorded = new HashSet<>();
        records.forEach(s -> recorded.add(s.instance().stepId()));
        Set<String> fallbacks = new HashSet<>();
        definition.ifPresent(d -> d.steps().forEach(s -> {
            if (s.onFailure() != null && s.onFailure().fallback() != null) {
                fallbacks.add(s.onFailure().fallback());
            }
        }));
        int next = 0;
        for (String stepId : order) {
            while (next < records.size() && records.get(next).instance().stepId().equals(stepId)) {
                steps.add(step(records.get(next++), definition));
            }
            if (!recorded.contains(stepId) && !fallbacks.contains(stepId)) {
                steps.add(pending(stepId, definition));
            }
        }
        while (next < records.size()) {
            steps.add(step(records.get(next++), definition));
        }
        return o;
    }

    /** The type of step {@code id} in {@code definition}, or null when unknown. */
    private static String type(String id, Optional<PipelineDefinition> definition) {
        return definition.flatMap(d -> d.step(id)).map(StepDefinition::type).orElse(null);
    }

    private static int position(List<String> order, String stepId) {
        int i = order.indexOf(stepId);
        return i < 0 ? Integer.MAX_VALUE : i;
    }

    static ObjectNode step(StepRecord s, Optional<PipelineDefinition> definition) {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("id", s.instance().stepId());
        o.put("type", type(s.instance().stepId(), definition));
        if (s.instance().index() == null) {
            o.putNull("index");
        } else {
            o.put("index", s.instance().index());
        }
        o.put("state", s.status().name().toLowerCase(Locale.ROOT));
        o.put("attempts", s.attempts());
        o.put("jobId", s.job().map(UUID::toString).orElse(null));
        s.childRun().ifPresent(child -> o.put("childRun", child.toString()));
        o.set("input", orNull(s.input()));
        o.set("output", s.status() == StepStatus.COMPLETED ? orNull(s.output()) : Json.mapper().nullNode());
        o.put("error", s.error());
        if (s.standsFor() != null) {
            o.put("standsFor", s.standsFor().toString());
        }
        o.put("startedAt", s.startedAt().toString());
        o.put("finishedAt", time(s.finishedAt()));
        putDuration(o, s.startedAt(), s.finishedAt());
        return o;
    }

    private static ObjectNode pending(String stepId, Optional<PipelineDefinition> definition) {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("id", stepId);
        o.put("type", type(stepId, definition));
        o.putNull("index");
        o.put("state", "pending");
        o.put("attempts", 0);
        o.putNull("jobId");
        o.putNull("input");
        o.putNull("output");
        o.putNull("error");
        o.putNull("startedAt");
        o.putNull("finishedAt");
        o.putNull("durationMs");
        return o;
    }

    private static JsonNode orNull(JsonNode n) {
        return n == null ? Json.mapper().nullNode() : n;
    }

    private static String time(Instant t) {
        return t == null ? null : t.toString();
    }

    private static void putDuration(ObjectNode o, Instant from, Instant to) {
        if (from == null || to == null) {
            o.putNull("durationMs");
        } else {
            o.put("durationMs", Math.max(0, Duration.between(from, to).toMillis()));
        }
    }
}
