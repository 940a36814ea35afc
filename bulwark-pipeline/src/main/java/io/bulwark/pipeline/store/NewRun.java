package io.bulwark.pipeline.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.core.tracing.PlannedSpan;

import java.util.Objects;
import java.util.UUID;

/**
 * A run to record.
 *
 * @param id its id
 * @param pipeline the pipeline's id
 * @param version the version it runs
 * @param input its input
 * @param idempotencyKey or null; a second start with the same key (for the same pipeline) returns the first run
 * @param trace the span that times the run, planned as it starts, or null (traces are off)
 */
public record NewRun(UUID id, String pipeline, int version, JsonNode input, String idempotencyKey, PlannedSpan trace) {

    public NewRun {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(pipeline, "pipeline");
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > 255)) {
            throw new IllegalArgumentException("idempotencyKey must be 1 to 255 characters");
        }
    }

    /** A run without a span of its own. */
    public NewRun(UUID id, String pipeline, int version, JsonNode input, String idempotencyKey) {
        this(id, pipeline, version, input, idempotencyKey, null);
    }
}
