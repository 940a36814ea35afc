package io.bulwark.core.validation;

import java.util.Objects;

/**
 * One thing wrong with a document a user sent or wrote: the field, as a path
 * ({@code groups.llm.providers[0].baseUrl}), and what is wrong with what is allowed.
 */
public record FieldProblem(String field, String message) {

    public FieldProblem {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return field + ": " + message;
    }
}
