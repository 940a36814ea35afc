package io.bulwark.jdbc.internal.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.core.tracing.PlannedSpan;
import io.bulwark.jdbc.internal.cluster.ClusterTx;
import io.bulwark.pipeline.PipelineDefinition;
import io.bulwark.pipeline.StepInstance;
import io.bulwark.pipeline.StepStatus;
import io.bulwark.pipeline.store.NewRun;
import io.bulwark.pipeline.store.PipelineRun;
import io.bulwark.pipeline.store.PipelineStore;
import io.bulwark.pipeline.store.RunPhase;
import io.bulwark.pipeline.store.RunQuery;
import io.bulwark.pipeline.store.StepRecord;
import io.bulwark.pipeline.store.StoredPipeline;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The {@link PipelineStore} of a JDBC store, whichever: the argument checks and the SQL
 * ({@link DefinitionRows}, {@link RunRows}, {@link StepRows}) are here; how a call gets its
 * transaction is the job store's {@link ClusterTx.Runner}, as for the schedule store, so every
 * row is stamped by the store's clock (the database's in a fleet). It lives and closes with its
 * job store: {@link #close()} does nothing.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li><b>Keys decide, not look-ups.</b> A version is taken by the primary key
 *       {@code (id, version)}, an idempotent start by the unique {@code (pipeline, idempotency_key)},
 *       a step instance by {@code (run, step, idx)}: each insert changes nothing when its key is
 *       taken (waiting for a concurrent insert of the same key to end), and the caller reads what
 *       took it. So two nodes registering one change make one version, and two nodes advancing one
 *       run record each instance once.</li>
 *   <li><b>Steps of a running run.</b> {@link #recordSteps} share-locks the run's row while it
 *       inserts, so a finish, cancel or retry (which update that row) comes wholly before or after
 *       it: steps are never recorded into a run that ended, nor left behind by a retry that
 *       deletes the ones that did not complete. Instances are inserted in the store's order, so
 *       two callers recording the same ones meet in the same order.</li>
 *   <li><b>Phases and checkpoints move once</b> by conditional UPDATEs ({@code WHERE phase =
 *       'running'}, {@code WHERE status = 'running'}): concurrent callers queue on the row and only
 *       the first finds it as it expects. A completed step's output is therefore never replaced.</li>
 * </ul>
 */
public final class JdbcPipelineStore implements PipelineStore {

    private final ClusterTx.Runner tables;
    private final Supplier<String> name;

    /**
     * @param tables how the job store runs these tables' transactions
     * @param name what {@link #toString()} says, asked each time
     */
    public JdbcPipelineStore(ClusterTx.Runner tables, Supplier<String> name) {
        this.tables = Objects.requireNonNull(tables, "tables");
        this.name = Objects.requireNonNull(name, "name");
    }

    @Override
    public Instant now() {
        return tables.now();
    }

    @Override
    public String toString() {
        return name.get();
    }

    @Override
    public Registered register(PipelineDefinition definition) {
        Objects.requireNonNull(definition, "definition must be set");
        return tables.write("pipelines.register", t -> DefinitionRows.register(t, definition));
    }

    @Override
    public Optional<StoredPipeline> pipeline(String id) {
        Objects.requireNonNull(id, "id must be set");
        return tables.read("pipelines.pipeline", t -> DefinitionRows.latest(t, id));
    }

    @Override
    public Optional<StoredPipeline> pipeline(String id, int version) {
        Objects.requireNonNull(id, "id must be set");
        return tables.read("pipelines.pipeline", t -> DefinitionRows.version(t, id, version));
    }

    @Override
    public List<StoredPipeline> pipelines() {
        return tables.read("pipelines.pipelines", DefinitionRows::latestOfEach);
    }

    @Override
    public List<StoredPipeline> versions(String id) {
        Objects.requireNonNull(id, "id must be set");
        return tables.read("pipelines.versions", t -> DefinitionRows.versions(t, id));
    }

    @Override
    public Started startRun(NewRun run) {
        Objects.requireNonNull(run, "run must be set");
        return tables.write("pipelines.startRun", t -> {
            Optional<Started> replay = replay(t, run);
            if (replay.isPresent()) {
                return replay.get();
            }
            if (RunRows.insert(t, run)) {
                return new Started(new PipelineRun(run.id(), run.pipeline(), run.version(), RunPhase.RUNNING,
                        run.input(), run.idempotencyKey(), 0, null, null, Instant.ofEpochMilli(t.now()), null,
                        run.trace(), List.of()), false);
            }
            // A key was taken: the idempotency key by a start that committed meanwhile, or else the id.
            return replay(t, run).orElseThrow(() -> new IllegalArgumentException("a run with id " + run.id()
                    + " exists already"));
        });
    }

    /** The run {@code run}'s idempotency key started already, with its steps, if any. */
    private static Optional<Started> replay(ClusterTx t, NewRun run) throws SQLException {
        if (run.idempotencyKey() == null) {
            return Optional.empty();
        }
        Optional<UUID> first = RunRows.byKey(t, run.pipeline(), run.idempotencyKey());
        if (first.isEmpty()) {
            return Optional.empty();
        }
        return withSteps(t, first.get()).map(r -> new Started(r, true));
    }

    @Override
    public Optional<PipelineRun> run(UUID id) {
        Objects.requireNonNull(id, "id must be set");
        return tables.read("pipelines.run", t -> withSteps(t, id));
    }

    private static Optional<PipelineRun> withSteps(ClusterTx t, UUID id) throws SQLException {
        Optional<PipelineRun> r = RunRows.get(t, id);
        if (r.isEmpty()) {
            return r;
        }
        return Optional.of(r.get().withSteps(StepRows.of(t, id)));
    }

    @Override
    public List<PipelineRun> runs(RunQuery query) {
        Objects.requireNonNull(query, "query must be set");
        return tables.read("pipelines.runs", t -> RunRows.list(t, query));
    }

    @Override
    public List<UUID> activeRuns(int max) {
        if (max < 0) {
            throw new IllegalArgumentException("max must be >= 0 but was " + max);
        }
        return max == 0 ? List.of() : tables.read("pipelines.activeRuns", t -> RunRows.active(t, max));
    }

    @Override
    public int recordSteps(UUID run, List<StepRecord> steps) {
        Objects.requireNonNull(run, "run must be set");
        Objects.requireNonNull(steps, "steps must be set");
        List<StepRecord> batch = new ArrayList<>(steps.size());
        for (StepRecord s : steps) {
            Objects.requireNonNull(s, "steps must not hold null");
            if (s.status() == StepStatus.COMPLETED) {
                throw new IllegalArgumentException("a step is recorded RUNNING, SKIPPED or FAILED, then finished: "
                        + s.instance() + " was given COMPLETED");
            }
            batch.add(s);
        }
        batch.sort((a, b) -> StepInstance.ORDER.compare(a.instance(), b.instance()));
        if (batch.isEmpty()) {
            return 0;
        }
        return tables.write("pipelines.recordSteps", t -> {
            if (!RunRows.lockRunning(t, run)) {
                return 0;
            }
            int inserted = 0;
            for (StepRecord s : batch) {
                if (StepRows.insert(t, run, s)) {
                    inserted++;
                }
            }
            return inserted;
        });
    }

    @Override
    public boolean finishStep(UUID run, StepInstance instance, StepStatus to, JsonNode output, String error,
                              int attempts) {
        Objects.requireNonNull(run, "run must be set");
        Objects.requireNonNull(instance, "instance must be set");
        if (to != StepStatus.COMPLETED && to != StepStatus.FAILED) {
            throw new IllegalArgumentException("a step finishes COMPLETED or FAILED, not " + to);
        }
        return tables.write("pipelines.finishStep", t -> StepRows.finish(t, run, instance, to, output, error, attempts));
    }

    @Override
    public boolean finishRun(UUID run, RunPhase to, String failedStep, String error) {
        Objects.requireNonNull(run, "run must be set");
        if (to != RunPhase.COMPLETED && to != RunPhase.FAILED) {
            throw new IllegalArgumentException("a run finishes COMPLETED or FAILED, not " + to);
        }
        return tables.write("pipelines.finishRun", t -> RunRows.end(t, run, to, failedStep, error));
    }

    @Override
    public boolean cancelRun(UUID run, String reason) {
        Objects.requireNonNull(run, "run must be set");
        return tables.write("pipelines.cancelRun", t -> RunRows.end(t, run, RunPhase.CANCELLED, null, reason));
    }

    @Override
    public boolean retryRun(UUID run, PlannedSpan trace) {
        Objects.requireNonNull(run, "run must be set");
        return tables.write("pipelines.retryRun", t -> {
            if (!RunRows.restart(t, run, trace)) {
                return false;
            }
            StepRows.deleteUncompleted(t, run);
            return true;
        });
    }

    /** Nothing to close: the store's connections belong to its job store, which closes them. */
    @Override
    public void close() {
    }
}
