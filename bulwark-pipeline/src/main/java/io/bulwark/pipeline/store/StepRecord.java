package io.bulwark.pipeline.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.pipeline.StepInstance;
import io.bulwark.pipeline.StepState;
import io.bulwark.pipeline.StepStatus;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * One step instance of a run, as the store keeps it.
 *
 * @param instance the step and its branch index
 * @param status where it is (never PENDING in the store)
 * @param carrier what carries it out: the id of the job that runs it, or {@code run:<id>} for the
 *                child run of a {@code pipeline} step; null for a step skipped or failed without
 *                running and for an {@code approval} step without a timeout (see {@link #job()},
 *                {@link #childRun()})
 * @param input its evaluated input, or null when it did not run
 * @param output its output when COMPLETED (the checkpoint), else null
 * @param error why it failed or was skipped, else null
 * @param attempts the attempts its job used, known once it ended (0 before)
 * @param standsFor for a fallback, the failed instance it runs in place of; else null
 * @param startedAt when it was recorded as started (or skipped, or failed without running)
 * @param finishedAt when it ended, or null
 */
public record StepRecord(StepInstance instance, StepStatus status, String carrier, JsonNode input, JsonNode output,
                         String error, int attempts, StepInstance standsFor, Instant startedAt, Instant finishedAt) {

    public StepRecord {
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(startedAt, "startedAt");
        if (status == StepStatus.PENDING) {
            throw new IllegalArgumentException("a stored step is never PENDING: " + instance);
        }
    }

    /** The prefix of a carrier that is a child run. */
    public static final String RUN_CARRIER = "run:";

    /** The carrier of a step carried out by the child run {@code run}. */
    public static String childRunCarrier(UUID run) {
        return RUN_CARRIER + run;
    }

    /** The job that carries it out, if a job does. */
    public Optional<UUID> job() {
        return carrier == null || carrier.startsWith(RUN_CARRIER) ? Optional.empty() : Optional.of(UUID.fromString(carrier));
    }

    /** The child run that carries it out, if it is a {@code pipeline} step that started one. */
    public Optional<UUID> childRun() {
        return carrier != null && carrier.startsWith(RUN_CARRIER)
                ? Optional.of(UUID.fromString(carrier.substring(RUN_CARRIER.length()))) : Optional.empty();
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
