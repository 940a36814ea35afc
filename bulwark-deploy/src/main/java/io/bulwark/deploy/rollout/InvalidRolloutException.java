package io.bulwark.deploy.rollout;

import java.util.List;
import java.util.stream.Collectors;

/** A rollout definition with problems: all of them, each naming its field. Nothing was started. */
public final class InvalidRolloutException extends RuntimeException {

    private final transient List<SpecError> errors;

    public InvalidRolloutException(List<SpecError> errors) {
        super("invalid rollout definition: " + errors.stream().map(SpecError::toString).collect(Collectors.joining("; ")));
        this.errors = List.copyOf(errors);
    }

    /** Every problem found. */
    public List<SpecError> errors() {
        return errors;
    }
}
