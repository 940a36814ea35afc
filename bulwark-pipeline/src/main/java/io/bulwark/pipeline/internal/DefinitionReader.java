package io.bulwark.pipeline.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.core.units.Durations;
import io.bulwark.pipeline.After;
import io.bulwark.pipeline.OnFailure;
import io.bulwark.pipeline.PipelineDefinition;
import io.bulwark.pipeline.Problem;
import io.bulwark.pipeline.StepDefinition;
import io.bulwark.pipeline.StepRetry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads a pipeline document (a JSON tree from JSON or YAML) into a {@link PipelineDefinition},
 * finding every problem of shape at once: unknown fields, wrong types, bad ids, bad values. A
 * field whose value is bad is left at its default so that the rest can still be read and checked.
 */
public final class DefinitionReader {

    /** The fields of a pipeline. */
    public static final Set<String> PIPELINE_FIELDS = Set.of("id", "version", "inputSchema", "steps");
    /** The fields of a step. */
    public static final Set<String> STEP_FIELDS = Set.of("id", "type", "input", "after", "forEach", "parallelism",
            "retry", "timeout", "onFailure");
    private static final Set<String> AFTER_FIELDS = Set.of("step", "when");
    private static final Set<String> RETRY_FIELDS = Set.of("maxAttempts", "backoff");
    private static final Set<String> BACKOFF_FIELDS = Set.of("base", "factor", "cap");
    private static final Set<String> ON_FAILURE_FIELDS = Set.of("fallback");

    private final DocumentReader doc = new DocumentReader();

    /**
     * What was read.
     *
     * @param definition the definition, or null when the document's id or a step's id or type
     *                   could not be read (then checking the graph would only add noise)
     * @param problems every problem of shape found
     */
    public record Result(PipelineDefinition definition, List<Problem> problems) {
    }

    /** Reads {@code root}. */
    public static Result read(JsonNode root) {
        return new DefinitionReader().readPipeline(root);
    }

    private Result readPipeline(JsonNode root) {
        if (!root.isObject()) {
            doc.add(null, "", "a pipeline must be an object with id and steps but was " + DocumentReader.kind(root));
            return new Result(null, doc.problems());
        }
        doc.rejectUnknown(null, "", root, PIPELINE_FIELDS);
        String id = doc.text(null, "", root, "id", true);
        id = id == null ? null : doc.attempt(null, "id", () -> io.bulwark.pipeline.Ids.requireId("id", root.get("id").textValue()), null);
        Integer version = doc.integer(null, "", root, "version");
        if (version != null && version < 1) {
            doc.add(null, "version", "must be >= 1 but was " + version);
            version = null;
        }
        JsonNode schema = root.get("inputSchema");
        if (schema != null && !schema.isNull() && !schema.isObject() && !schema.isBoolean()) {
            doc.add(null, "inputSchema", "must be a JSON Schema (an object) but was " + DocumentReader.kind(schema));
            schema = null;
        }
        List<StepDefinition> steps = new ArrayList<>();
        boolean complete = id != null;
        JsonNode stepsNode = root.get("steps");
        if (stepsNode == null || stepsNode.isNull()) {
            doc.add(null, "steps", "is required: a list of steps");
        } else if (!stepsNode.isArray()) {
            doc.add(null, "steps", "must be a list of steps but was " + DocumentReader.kind(stepsNode));
        } else if (stepsNode.size() > PipelineDefinition.MAX_STEPS) {
            doc.add(null, "steps", PipelineDefinition.tooManySteps(stepsNode.size()));
            complete = false;
        } else {
            for (int i = 0; i < stepsNode.size(); i++) {
                StepDefinition step = readStep("steps[" + i + "]", stepsNode.get(i));
                if (step == null) {
                    complete = false;
                } else {
                    steps.add(step);
                }
            }
        }
        PipelineDefinition definition = complete
                ? new PipelineDefinition(id, version == null ? 1 : version, schema, steps) : null;
        return new Result(definition, doc.problems());
    }

    private StepDefinition readStep(String path, JsonNode node) {
        if (!node.isObject()) {
            doc.add(null, path, "a step must be an object with id and type but was " + DocumentReader.kind(node));
            return null;
        }
        String rawId = doc.text(null, path, node, "id", true);
        String id = rawId == null ? null : doc.attempt(null, path + ".id", () -> io.bulwark.pipeline.Ids.requireId("id", rawId), null);
        String stepId = id != null ? id : rawId;
        doc.rejectUnknown(stepId, path, node, STEP_FIELDS);
        String rawType = doc.text(stepId, path, node, "type", true);
        String type = rawType == null ? null
                : doc.attempt(stepId, path + ".type", () -> io.bulwark.pipeline.Ids.requireType("type", rawType), null);
        List<After> after = readAfter(stepId, path, node.get("after"));
        JsonNode forEach = node.get("forEach");
        if (forEach != null && (forEach.isNull())) {
            forEach = null;
        }
        if (forEach != null && !forEach.isTextual() && !forEach.isArray()) {
            doc.add(stepId, path + ".forEach", "must be a template yielding a list, such as ${input.items}, or a list,"
                    + " but was " + DocumentReader.kind(forEach) + " " + forEach);
            forEach = null;
        }
        Integer parallelism = doc.integer(stepId, path, node, "parallelism");
        if (parallelism != null) {
            final int p = parallelism;
            if (node.get("forEach") == null) {
                doc.add(stepId, path + ".parallelism", "applies to a fan-out step: give forEach or leave parallelism out");
                parallelism = null;
            } else if (p < 1 || p > StepDefinition.MAX_PARALLELISM) {
                doc.add(stepId, path + ".parallelism", "must be from 1 to " + StepDefinition.MAX_PARALLELISM + " but was " + p);
                parallelism = null;
            }
        }
        StepRetry retry = readRetry(stepId, path + ".retry", node.get("retry"));
        Duration timeout = readTimeout(stepId, path, node);
        OnFailure onFailure = readOnFailure(stepId, path + ".onFailure", node.get("onFailure"), id);
        if (id == null || type == null) {
            return null;
        }
        int p = forEach == null ? 1 : parallelism == null ? StepDefinition.DEFAULT_PARALLELISM : parallelism;
        JsonNode input = node.get("input");
        return new StepDefinition(id, type, input == null || input.isNull() ? null : input, after, forEach, p, retry,
                timeout, onFailure);
    }

    private List<After> readAfter(String stepId, String path, JsonNode node) {
        List<After> after = new ArrayList<>();
        if (node == null || node.isNull()) {
            return after;
        }
        if (!node.isArray()) {
            doc.add(stepId, path + ".after", "must be a list of step ids or {step, when} objects but was " + DocumentReader.kind(node));
            return after;
        }
        if (node.size() > PipelineDefinition.MAX_STEPS) {
            doc.add(stepId, path + ".after", PipelineDefinition.tooManyAfter(node.size()));
            return after;
        }
        for (int i = 0; i < node.size(); i++) {
            String at = path + ".after[" + i + "]";
            JsonNode e = node.get(i);
            if (e.isTextual()) {
                After a = doc.attempt(stepId, at, () -> After.of(e.textValue()), null);
                if (a != null) {
                    after.add(a);
                }
            } else if (e.isObject()) {
                doc.rejectUnknown(stepId, at, e, AFTER_FIELDS);
                String step = doc.text(stepId, at, e, "step", true);
                String when = doc.text(stepId, at, e, "when", false);
                if (step != null) {
                    After a = doc.attempt(stepId, at, () -> new After(step, when), null);
                    if (a != null) {
                        after.add(a);
                    }
                }
            } else {
                doc.add(stepId, at, "must be a step id or {step, when} but was " + DocumentReader.kind(e) + " " + e);
            }
        }
        return after;
    }

    private StepRetry readRetry(String stepId, String path, JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            doc.add(stepId, path, "must be {maxAttempts, backoff: {base, factor, cap}} but was " + DocumentReader.kind(node));
            return null;
        }
        doc.rejectUnknown(stepId, path, node, RETRY_FIELDS);
        Integer maxAttempts = doc.integer(stepId, path, node, "maxAttempts");
        if (maxAttempts == null && node.get("maxAttempts") == null) {
            doc.add(stepId, path + ".maxAttempts", "is required: from 1 to " + StepRetry.MAX_ATTEMPTS);
        }
        StepRetry d = StepRetry.DEFAULT_BACKOFF;
        Duration base = d.base();
        double factor = d.factor();
        Duration cap = d.cap();
        JsonNode backoff = node.get("backoff");
        if (backoff != null && !backoff.isNull()) {
            String at = path + ".backoff";
            if (!backoff.isObject()) {
                doc.add(stepId, at, "must be {base, factor, cap} but was " + DocumentReader.kind(backoff));
                return null;
            }
            doc.rejectUnknown(stepId, at, backoff, BACKOFF_FIELDS);
            base = duration(stepId, at, backoff, "base", base);
            // A bad base is already a problem (null); the cap's default then stays the default.
            boolean capFollowsBase = backoff.has("base") && !backoff.has("cap") && base != null && base.compareTo(cap) > 0;
            cap = duration(stepId, at, backoff, "cap", capFollowsBase ? base : cap);
            JsonNode f = backoff.get("factor");
            if (f != null && !f.isNull()) {
                if (f.isNumber()) {
                    factor = f.doubleValue();
                } else {
                    doc.add(stepId, at + ".factor", "must be a number from 1 to 1000 but was " + DocumentReader.kind(f) + " " + f);
                    return null;
                }
            }
        }
        if (maxAttempts == null || base == null || cap == null) {
            return null;
        }
        final Duration b = base;
        final double fa = factor;
        final Duration c = cap;
        final int m = maxAttempts;
        return doc.attempt(stepId, path, () -> StepRetry.of(m, b, fa, c), null);
    }

    private Duration duration(String stepId, String path, JsonNode parent, String field, Duration orElse) {
        String text = doc.text(stepId, path, parent, field, false);
        if (text == null) {
            return parent.hasNonNull(field) ? null : orElse;
        }
        return doc.attempt(stepId, path + "." + field, () -> Durations.parse(text), null);
    }

    private Duration readTimeout(String stepId, String path, JsonNode node) {
        Duration timeout = duration(stepId, path, node, "timeout", null);
        if (timeout == null) {
            return null;
        }
        if (timeout.isZero() || timeout.compareTo(StepDefinition.MAX_TIMEOUT) > 0) {
            doc.add(stepId, path + ".timeout", "must be more than 0s and at most 7d but was " + Durations.format(timeout));
            return null;
        }
        return timeout;
    }

    private OnFailure readOnFailure(String stepId, String path, JsonNode node, String id) {
        String allowed = "fail, continue or {fallback: STEP}";
        if (node == null || node.isNull()) {
            return OnFailure.FAIL;
        }
        if (node.isTextual()) {
            return switch (node.textValue()) {
                case "fail" -> OnFailure.FAIL;
                case "continue" -> OnFailure.CONTINUE;
                default -> {
                    doc.add(stepId, path, "must be " + allowed + " but was '" + node.textValue() + "'");
                    yield OnFailure.FAIL;
                }
            };
        }
        if (node.isObject()) {
            doc.rejectUnknown(stepId, path, node, ON_FAILURE_FIELDS);
            String fallback = doc.text(stepId, path, node, "fallback", true);
            if (fallback == null) {
                return OnFailure.FAIL;
            }
            if (fallback.equals(id)) {
                doc.add(stepId, path + ".fallback", "must name another step, not the step itself ('" + id + "')");
                return OnFailure.FAIL;
            }
            return doc.attempt(stepId, path + ".fallback", () -> OnFailure.fallback(fallback), OnFailure.FAIL);
        }
        doc.add(stepId, path, "must be " + allowed + " but was " + DocumentReader.kind(node) + " " + node);
        return OnFailure.FAIL;
    }
}
