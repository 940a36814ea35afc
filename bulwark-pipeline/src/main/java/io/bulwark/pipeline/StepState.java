package io.bulwark.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;

import java.util.Objects;

/**
 * What is known of one step instance.
 *
 * @param status where it is
 * @param output its output when COMPLETED (JSON null for none), else null
 * @param error what went wrong when FAILED, why it was skipped when SKIPPED, else null
 */
public record StepState(StepStatus status, JsonNode output, String error) {

    /** Checks that only a completed instance has an output. */
    public StepState {
        Objects.requireNonNull(status, "status");
        if (status == StepStatus.COMPLETED) {
            output = output == null ? NullNode.getInstance() : output;
        } else if (output != null) {
            throw new IllegalArgumentException("only a COMPLETED step has an output, but a " + status + " one was given " + output);
        }
    }

    /** Recorded, not started. */
    public static StepState pending() {
        return new StepState(StepStatus.PENDING, null, null);
    }

    /** Started. */
    public static StepState running() {
        return new StepState(StepStatus.RUNNING, null, null);
    }

    /** Finished with {@code output}. */
    public static StepState completed(JsonNode output) {
        return new StepState(StepStatus.COMPLETED, output, null);
    }

    /** Failed for good with {@code error}. */
    public static StepState failed(String error) {
        return new StepState(StepStatus.FAILED, null, Objects.requireNonNull(error, "error"));
    }

    /** Skipped because of {@code reason}. */
    public static StepState skipped(String reason) {
        return new StepState(StepStatus.SKIPPED, null, reason);
    }
}
