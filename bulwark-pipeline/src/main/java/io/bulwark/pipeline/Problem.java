package io.bulwark.pipeline;

import io.bulwark.core.validation.FieldProblem;

import java.util.Objects;

/**
 * One thing wrong with a pipeline definition.
 *
 * @param stepId the step it is about, or null when it is about the pipeline as a whole
 * @param field where, as a path into the document: {@code steps[1].retry.maxAttempts},
 *              {@code steps[0].input.url}, {@code inputSchema}; empty for the document itself
 * @param message what is wrong and what is allowed
 */
public record Problem(String stepId, String field, String message) {

    /** Requires a field path and a message. */
    public Problem {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(message, "message");
    }

    /** The same problem as the core's {@link FieldProblem}, which the server renders as a 400 error entry. */
    public FieldProblem toFieldProblem() {
        return new FieldProblem(field.isEmpty() ? "(document)" : field, stepId == null ? message : "step '" + stepId + "': " + message);
    }

    @Override
    public String toString() {
        return (field.isEmpty() ? "(document)" : field) + (stepId == null ? "" : " (step '" + stepId + "')") + ": " + message;
    }
}
