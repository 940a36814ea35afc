package io.bulwark.pipeline.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.pipeline.StepInstance;
import io.bulwark.pipeline.StepState;
import io.bulwark.pipeline.StepStatus;

import java.time.Instant;
import java.util.Objects;

/**
 * One step instance of a run, as the store keeps it.
 *
 * @param instance the step and its branch index
 * @param status where it is (never PENDING in the store)
 * @param jobId the job that runs it, or null for a step skipped or failed without running
 * @param input its evaluated input, or null when it did not run
 * @param output its output when COMPLETED (the checkpoint), else null
 * @param error why it failed or was skipped, else null
 * @param attempts the attempts its job used, known once it ended (0 before)
 * @param standsFor for a fallback, the failed instance it runs in place of; else null
 * @param startedAt when it was recorded as started (or skipped, or failed without running)
 * @param finishedAt when it ended, or null
 */
public record StepRecord(StepInstance instance, StepStatus status, String jobId, JsonNode input, JsonNode output,
                         String error, int attempts, StepInstance standsFor, Instant startedAt, Instant finishedAt) {

    public StepRecord {
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(startedAt, "startedAt");
        if (status == StepStatus.PENDING) {
            throw new IllegalArgumentException("a stored step is never PENDING: " + instance);
        }
    }

    /** What the planner needs of it. */
    public StepState state() {
        return switch (status) {
            case COMPLETED -> StepState.completed(output);
            case FAILED -> StepState.failed(error == null ? "failed" : error);
            case SKIPPED -> StepState.skipped(error);
            case RUNNING, PENDING -> StepState.running();
        };
    }
}
