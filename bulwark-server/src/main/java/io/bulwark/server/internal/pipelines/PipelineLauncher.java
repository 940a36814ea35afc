package io.bulwark.server.internal.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.core.json.Json;
import io.bulwark.pipeline.Pipelines;
import io.bulwark.pipeline.store.PipelineRun;
import io.bulwark.scheduler.Launcher;
import io.bulwark.scheduler.Schedule;
import io.bulwark.scheduler.ScheduleTarget;

import java.time.Instant;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.UUID;

/**
 * Launches {@link ScheduleTarget.Pipeline} targets: starts a run of the latest version of the
 * pipeline with the firing's key as the run's idempotency key, so a tick starts one run however
 * often it is tried. A run starts at its tick: the schedule's jitter does not delay it (a run has
 * no start time of its own; its first steps are jobs due at once).
 */
public final class PipelineLauncher implements Launcher {

    private final Pipelines pipelines;

    public PipelineLauncher(Pipelines pipelines) {
        this.pipelines = pipelines;
    }

    /**
     * @throws IllegalArgumentException when the pipeline is not registered, or the schedule's input
     *                                  does not match its input schema (each error by path)
     */
    @Override
    public String launch(Schedule schedule, Instant tick, Instant runAt, String key) {
        if (!(schedule.target() instanceof ScheduleTarget.Pipeline t)) {
            throw new IllegalArgumentException("schedule " + schedule.name() + " targets a " + schedule.target().kind()
                    + ", not a pipeline");
        }
        JsonNode input;
        try {
            input = Json.mapper().readTree(t.input());
        } catch (Exception e) {
            throw new IllegalArgumentException("schedule " + schedule.name() + " has an input that is not JSON: "
                    + e.getMessage(), e);
        }
        try {
            return pipelines.start(t.pipeline(), input, key).run().id().toString();
        } catch (NoSuchElementException e) {
            throw new IllegalArgumentException("schedule " + schedule.name() + " starts pipeline '" + t.pipeline()
                    + "', which is not registered (register it with POST /api/v1/pipelines or 'bulwark pipelines "
                    + "register')", e);
        }
    }

    /** The run's state ({@code running}, {@code completed}, {@code failed}, {@code cancelled}); finished once over. */
    @Override
    public RunStatus status(String ref) {
        UUID id;
        try {
            id = UUID.fromString(ref);
        } catch (IllegalArgumentException e) {
            return RunStatus.gone();
        }
        Optional<PipelineRun> run = pipelines.run(id);
        return run.map(r -> new RunStatus(r.phase().id(), r.phase().isOver())).orElseGet(RunStatus::gone);
    }
}
