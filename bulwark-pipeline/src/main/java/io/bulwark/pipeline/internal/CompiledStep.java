package io.bulwark.pipeline.internal;

import io.bulwark.pipeline.StepDefinition;

import java.util.List;

/**
 * A step with its templates compiled.
 *
 * @param index where the step is in the definition's list
 * @param step the step
 * @param input its input template
 * @param forEach its fan-out template, or null for an ordinary step
 * @param when the condition of each {@code after} edge, null where the edge has none, in the order written
 */
public record CompiledStep(int index, StepDefinition step, CompiledTemplate input, CompiledTemplate forEach,
                           List<Condition> when) {

    /** The field path of this step in the document: {@code steps[2]}. */
    public String path() {
        return "steps[" + index + "]";
    }
}
