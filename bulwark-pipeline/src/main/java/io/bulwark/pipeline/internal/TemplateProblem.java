package io.bulwark.pipeline.internal;

/**
 * A template that does not compile.
 *
 * @param field where it is, relative to its step ({@code input.url}, {@code after[0].when})
 * @param message what is wrong
 */
public record TemplateProblem(String field, String message) {
}
