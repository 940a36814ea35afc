package io.bulwark.pipeline.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bulwark.core.units.Durations;
import io.bulwark.pipeline.After;
import io.bulwark.pipeline.PipelineDefinition;
import io.bulwark.pipeline.StepDefinition;
import io.bulwark.pipeline.StepRetry;

/**
 * Writes a definition in its canonical JSON form: fields in a fixed order (the order of the
 * records), defaults left out (version 1, no input, no after, parallelism of an ordinary step,
 * {@code onFailure: fail}), durations in their shortest exact form ({@code 30s}), an edge
 * without a condition as its step id. Reading the canonical form gives an equal definition.
 */
public final class DefinitionWriter {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private DefinitionWriter() {
    }

    /** The canonical tree of {@code definition}. */
    public static ObjectNode write(PipelineDefinition definition) {
        ObjectNode root = NODES.objectNode();
        root.put("id", definition.id());
        if (definition.version() != 1) {
            root.put("version", definition.version());
        }
        if (definition.inputSchema() != null) {
            root.set("inputSchema", definition.inputSchema().deepCopy());
        }
        ArrayNode steps = root.putArray("steps");
        definition.steps().forEach(s -> steps.add(step(s)));
        return root;
    }

    private static ObjectNode step(StepDefinition s) {
        ObjectNode o = NODES.objectNode();
        o.put("id", s.id());
        o.put("type", s.type());
        if (s.input() != null) {
            o.set("input", s.input().deepCopy());
        }
        if (!s.after().isEmpty()) {
            ArrayNode after = o.putArray("after");
            for (After a : s.after()) {
                if (a.when() == null) {
                    after.add(a.step());
                } else {
                    after.addObject().put("step", a.step()).put("when", a.when());
                }
            }
        }
        if (s.forEach() != null) {
            o.set("forEach", s.forEach().deepCopy());
            o.put("parallelism", s.parallelism());
        }
        if (s.retry() != null) {
            StepRetry r = s.retry();
            ObjectNode retry = o.putObject("retry");
            retry.put("maxAttempts", r.maxAttempts());
            retry.putObject("backoff")
                    .put("base", Durations.format(r.base()))
                    .put("factor", r.factor())
                    .put("cap", Durations.format(r.cap()));
        }
        if (s.timeout() != null) {
            o.put("timeout", Durations.format(s.timeout()));
        }
        switch (s.onFailure().action()) {
            case FAIL -> {
            }
            case CONTINUE -> o.put("onFailure", "continue");
            case FALLBACK -> o.putObject("onFailure").put("fallback", s.onFailure().fallback());
        }
        return o;
    }
}
