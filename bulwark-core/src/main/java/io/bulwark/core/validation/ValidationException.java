package io.bulwark.core.validation;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A document was refused; {@link #problems()} says every field that was wrong, not just the
 * first. The server renders it as a 400 problem with {@code errors[{field, message}]}; the
 * config loader as one startup error per field.
 */
public final class ValidationException extends IllegalArgumentException {

    private final List<FieldProblem> problems;

    public ValidationException(String what, List<FieldProblem> problems) {
        super(what + ": " + problems.stream().map(FieldProblem::toString).collect(Collectors.joining("; ")));
        this.problems = List.copyOf(problems);
    }

    /** Every problem found. */
    public List<FieldProblem> problems() {
        return problems;
    }
}
