package io.bulwark.core.validation;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Collects the problems of a document while it is read, so that all of them are reported at
 * once. Builders that throw {@link IllegalArgumentException} on a bad setter can be called
 * through {@link #attempt}, which turns the exception into a problem on the named field.
 *
 * <pre>{@code
 * Problems problems = new Problems();
 * Duration timeout = problems.attempt("providers[0].timeout", () -> Durations.parse(raw), null);
 * problems.throwIfAny("provider group 'llm'");
 * }</pre>
 */
public final class Problems {

    private final List<FieldProblem> problems = new ArrayList<>();

    /** Records a problem on {@code field}. */
    public void add(String field, String message) {
        problems.add(new FieldProblem(field, message));
    }

    /** Runs {@code read}; an IllegalArgumentException becomes a problem on {@code field} and {@code orElse} is returned. */
    public <T> T attempt(String field, Supplier<T> read, T orElse) {
        try {
            return read.get();
        } catch (ValidationException e) {
            e.problems().forEach(p -> add(field.isEmpty() ? p.field() : field + "." + p.field(), p.message()));
            return orElse;
        } catch (IllegalArgumentException e) {
            add(field, e.getMessage());
            return orElse;
        }
    }

    /** True when nothing was wrong. */
    public boolean isEmpty() {
        return problems.isEmpty();
    }

    /** The problems so far. */
    public List<FieldProblem> list() {
        return List.copyOf(problems);
    }

    /** Throws a {@link ValidationException} about {@code what} when a problem was recorded. */
    public void throwIfAny(String what) {
        if (!problems.isEmpty()) {
            throw new ValidationException(what, problems);
        }
    }
}
