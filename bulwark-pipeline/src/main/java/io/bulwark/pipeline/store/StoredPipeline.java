package io.bulwark.pipeline.store;

import io.bulwark.pipeline.PipelineDefinition;

import java.time.Instant;
import java.util.Objects;

/**
 * A registered version of a pipeline.
 *
 * @param definition the definition, its {@code version} the one the store gave it
 * @param registeredAt by the store's clock
 */
public record StoredPipeline(PipelineDefinition definition, Instant registeredAt) {

    public StoredPipeline {
        Objects.requireNonNull(definition, "definition");
        Objects.requireNonNull(registeredAt, "registeredAt");
    }

    /** The pipeline's id. */
    public String id() {
        return definition.id();
    }

    /** This version's number. */
    public int version() {
        return definition.version();
    }
}
