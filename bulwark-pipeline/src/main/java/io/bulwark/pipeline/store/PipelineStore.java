package io.bulwark.pipeline.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.core.tracing.PlannedSpan;
import io.bulwark.pipeline.PipelineDefinition;
import io.bulwark.pipeline.StepInstance;
import io.bulwark.pipeline.StepStatus;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Where pipeline definitions, runs and their step instances are kept. Owned by bulwark-pipeline;
 * implemented in memory ({@link InMemoryPipelineStore}) and on every JDBC store, each passing
 * {@code PipelineStoreContract} from bulwark-test.
 *
 * <h2>Semantics every implementation keeps</h2>
 * <ul>
 *   <li><b>Time.</b> {@link #now()} is the store's clock; it stamps every row.</li>
 *   <li><b>Versions.</b> {@link #register} gives a changed definition the next version of its id
 *       (1 for a new id) and returns the latest unchanged; earlier versions stay readable, so a
 *       run keeps the version it started with.</li>
 *   <li><b>Idempotent starts.</b> A run started with an idempotency key that an earlier run of
 *       the same pipeline has returns that run ({@link Started#replayed()}), decided by a unique
 *       constraint.</li>
 *   <li><b>One record per step instance and generation.</b> {@link #recordSteps} inserts only
 *       instances the run does not have, so two nodes advancing one run record each step once.</li>
 *   <li><b>Checkpoints.</b> {@link #finishStep} moves a RUNNING instance to COMPLETED (with its
 *       output) or FAILED, once: a completed step's output is kept and never replaced, so a run
 *       resumed after a crash never runs a completed step again.</li>
 *   <li><b>Phases move once.</b> {@link #finishRun} and {@link #cancelRun} only end a RUNNING run;
 *       {@link #retryRun} only restarts a FAILED one. So exactly one caller ends each generation of a
 *       run, and that caller emits its span.</li>
 *   <li><b>Trace context.</b> A run keeps the span it was started with ({@link NewRun#trace()}) until
 *       a retry gives its next generation another; a replayed start keeps the first run's.</li>
 * </ul>
 */
public interface PipelineStore extends AutoCloseable {

    /** The store's clock. */
    Instant now();

    /**
     * Registers {@code definition} (its {@code version} is ignored): the latest version when
     * unchanged, else a new version one above the latest.
     *
     * @return the stored version and whether it is new
     */
    Registered register(PipelineDefinition definition);

    /** The outcome of {@link #register}. */
    record Registered(StoredPipeline pipeline, boolean created) {
    }

    /** The latest version of {@code id}. */
    Optional<StoredPipeline> pipeline(String id);

    /** Version {@code version} of {@code id}. */
    Optional<StoredPipeline> pipeline(String id, int version);

    /** The latest version of every pipeline, by id. */
    List<StoredPipeline> pipelines();

    /** Every version of {@code id}, oldest first. */
    List<StoredPipeline> versions(String id);

    /** Records a new RUNNING run, or returns the run its idempotency key already started. */
    Started startRun(NewRun run);

    /** The outcome of {@link #startRun}. */
    record Started(PipelineRun run, boolean replayed) {
    }

    /** The run {@code id} with its steps. */
    Optional<PipelineRun> run(UUID id);

    /** Runs matching {@code query}, newest first, without their steps. */
    List<PipelineRun> runs(RunQuery query);

    /** Up to {@code max} RUNNING runs, oldest first (for the leader's sweep). */
    List<UUID> activeRuns(int max);

    /**
     * Records new step instances of a RUNNING run: RUNNING ones with their job, SKIPPED and FAILED
     * ones without. Instances the run already has are left as they are.
     *
     * @return how many were inserted (0 when the run is not RUNNING)
     */
    int recordSteps(UUID run, List<StepRecord> steps);

    /**
     * Ends a RUNNING step instance: COMPLETED with {@code output}, or FAILED with {@code error}.
     *
     * @param to COMPLETED or FAILED
     * @return false, changing nothing, when the instance is not RUNNING (already ended)
     */
    boolean finishStep(UUID run, StepInstance instance, StepStatus to, JsonNode output, String error, int attempts);

    /**
     * Ends a RUNNING run as COMPLETED or FAILED.
     *
     * @return false when the run is not RUNNING
     */
    boolean finishRun(UUID run, RunPhase to, String failedStep, String error);

    /**
     * Cancels a RUNNING run.
     *
     * @return false when the run is not RUNNING
     */
    boolean cancelRun(UUID run, String reason);

    /**
     * Restarts a FAILED run from its failed step: its step instances that did not complete are
     * deleted (completed ones keep their outputs), its generation grows by one, it is RUNNING again,
     * timed by the span {@code trace} in place of the one its failed generation ended.
     *
     * @param trace the span of the new generation, or null for none
     * @return false when the run is not FAILED
     */
    boolean retryRun(UUID run, PlannedSpan trace);

    /** As {@link #retryRun(UUID, PlannedSpan)}, the new generation without a span. */
    default boolean retryRun(UUID run) {
        return retryRun(run, null);
    }

    @Override
    void close();
}
