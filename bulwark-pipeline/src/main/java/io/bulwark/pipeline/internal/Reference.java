package io.bulwark.pipeline.internal;

import java.util.List;

/**
 * A variable an expression reads, with the property path written after it:
 * {@code steps.extract.output.rows} is {@code [steps, extract, output, rows]} and
 * {@code steps['my-step'].output} is {@code [steps, my-step, output]}. A path stops at the first
 * part computed at run time ({@code steps[input.name]} is {@code [steps]}).
 *
 * @param field where the expression is, relative to its step
 * @param source the expression as written
 * @param path the variable and its constant property path
 */
public record Reference(String field, String source, List<String> path) {
}
