package io.bulwark.pipeline.internal;

import org.apache.commons.jexl3.JexlContext;
import org.apache.commons.jexl3.MapContext;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a template can read: {@code input} (the run's input), {@code steps.<id>.output} for the
 * steps upstream of the one evaluated, and inside a fan-out {@code item} and {@code index}.
 * Values are plain Java ({@link JsonValues#toPlain}).
 */
public final class TemplateContext {

    private final Map<String, Object> vars;

    private TemplateContext(Map<String, Object> vars) {
        this.vars = vars;
    }

    /**
     * A context.
     *
     * @param input the run's input, plain
     * @param outputs the outputs of the steps upstream, plain, by step id
     */
    public static TemplateContext of(Object input, Map<String, Object> outputs) {
        Map<String, Object> steps = new LinkedHashMap<>();
        outputs.forEach((id, output) -> {
            Map<String, Object> step = new HashMap<>();
            step.put("output", output);
            steps.put(id, step);
        });
        Map<String, Object> vars = new HashMap<>();
        vars.put("input", input);
        vars.put("steps", steps);
        return new TemplateContext(vars);
    }

    /** This context with {@code item} and {@code index} of one fan-out branch. */
    public TemplateContext withItem(Object item, int index) {
        Map<String, Object> copy = new HashMap<>(vars);
        copy.put("item", item);
        copy.put("index", index);
        return new TemplateContext(copy);
    }

    JexlContext jexl() {
        return new MapContext(new HashMap<>(vars));
    }
}
