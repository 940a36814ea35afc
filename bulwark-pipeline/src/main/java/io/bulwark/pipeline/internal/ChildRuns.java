package io.bulwark.pipeline.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.pipeline.StepInstance;
import io.bulwark.pipeline.store.PipelineRun;

import java.util.Optional;
import java.util.UUID;

/**
 * What a run needs of the executor to carry out its {@code pipeline} steps: starting a child run
 * and reading a finished run's output. Implemented by {@link io.bulwark.pipeline.Pipelines}.
 *
 * <p>A child run is started with the idempotency key {@link #key}, which names its parent run and
 * step instance but not the parent's generation: advancing the parent again (on any node, after
 * any crash) finds the same child, and a retry of the parent finds the failed child and retries
 * it from its own failed step rather than running it from the start.
 */
public interface ChildRuns {

    /** The most runs one chain of {@code pipeline} steps may nest: a run 8 levels down starts no child. */
    int MAX_DEPTH = 8;

    /** The prefix of a child run's idempotency key. */
    String KEY_PREFIX = "pipeline:";

    /**
     * Starts the child run of {@code at} (or finds the one it started, retrying it if it failed).
     *
     * @param input the step's evaluated input: {@code pipeline}, {@code version}, {@code input}
     * @return the child run's id
     * @throws IllegalArgumentException, with a message fit for the step's error, when it cannot start
     */
    UUID startChild(PipelineRun parent, StepInstance at, JsonNode input);

    /** The output of {@code run} (see {@link io.bulwark.pipeline.Plan#output()}); JSON null unless it completed. */
    JsonNode output(PipelineRun run);

    /** The idempotency key of the child run of {@code at} in {@code parent}. */
    static String key(UUID parent, StepInstance at) {
        return KEY_PREFIX + parent + ":" + at;
    }

    /** The parent of a run started with {@code idempotencyKey}, when it is a child run's key. */
    static Optional<UUID> parentOf(String idempotencyKey) {
        if (idempotencyKey == null || !idempotencyKey.startsWith(KEY_PREFIX)) {
            return Optional.empty();
        }
        int end = idempotencyKey.indexOf(':', KEY_PREFIX.length());
        if (end < 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(UUID.fromString(idempotencyKey.substring(KEY_PREFIX.length(), end)));
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // a key a user chose: not a child run
        }
    }
}
