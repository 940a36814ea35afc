package io.bulwark.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.bulwark.core.ids.Uuid7;
import io.bulwark.core.json.Json;
import io.bulwark.core.validation.FieldProblem;
import io.bulwark.core.validation.ValidationException;
import io.bulwark.jobs.Job;
import io.bulwark.jobs.JobClient;
import io.bulwark.pipeline.internal.PipelineMetrics;
import io.bulwark.pipeline.internal.RunAdvance;
import io.bulwark.pipeline.store.NewRun;
import io.bulwark.pipeline.store.PipelineRun;
import io.bulwark.pipeline.store.PipelineStore;
import io.bulwark.pipeline.store.RunPhase;
import io.bulwark.pipeline.store.StepRecord;
import io.bulwark.pipeline.store.StoredPipeline;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Runs pipelines: each step instance is a job on the fleet (any worker runs any step, with the
 * job's leases, fencing, retries, priorities and rate limits), and a run moves on whenever one of
 * its jobs ends. The executor owns no thread: call {@link #onRecorded} from the worker's
 * outcome listener (on another thread) for prompt progress, and {@link #sweep} on the leader
 * every second or so, which also finishes what a crash interrupted.
 *
 * <pre>{@code
 * Pipelines pipelines = Pipelines.builder(store, jobs).stepTypes(handlers::types).meters(meters).build();
 * pipelines.register(PipelineDefinitions.parse(yaml, PipelineFormat.YAML));
 * PipelineRun run = pipelines.start("etl", input, null);
 * worker.onRecorded(job -> executor.execute(() -> pipelines.onRecorded(job)));
 * }</pre>
 *
 * <h2>Why a crash never runs a completed step again</h2>
 * A step's output is its job's result, checkpointed into the step's record once the job
 * completed ({@link PipelineStore#finishStep}, which moves a step once). Planning is a pure
 * function of the recorded steps ({@link RunPlanner}), and a step's job is enqueued with the
 * idempotency key {@code pipeline:<run>:<generation>:<step>[index]}, so advancing a run again,
 * on any node, after any crash, finds the same jobs instead of starting new ones. A step whose
 * job was running when its node died is rescued like any job, and its retry is the one re-run.
 */
public final class Pipelines {

    /** Tag on every step job: {@code pipeline-run:<run id>}. */
    public static final String RUN_TAG = "pipeline-run:";

    private static final Logger LOG = LoggerFactory.getLogger(Pipelines.class);
    /** The built-in step types the executor runs today, beside job handler types. */
    private static final Set<BuiltinStepType> RUNNABLE_BUILTINS = EnumSet.of(BuiltinStepType.HTTP,
            BuiltinStepType.PROVIDER, BuiltinStepType.WAIT);

    private final PipelineStore store;
    private final JobClient jobs;
    private final String queue;
    private final Supplier<? extends java.util.Collection<String>> handlerTypes;
    private final PipelineMetrics metrics;
    private final Uuid7 ids;
    private final Map<String, RunPlanner> planners = new ConcurrentHashMap<>();

    private Pipelines(Builder b) {
        this.store = b.store;
        this.jobs = b.jobs;
        this.queue = b.queue;
        this.handlerTypes = b.handlerTypes;
        this.metrics = new PipelineMetrics(b.meters);
        this.ids = new Uuid7(b.clock, new SplittableRandom());
    }

    /** A builder over {@code store}, enqueuing steps through {@code jobs}. */
    public static Builder builder(PipelineStore store, JobClient jobs) {
        return new Builder(store, jobs);
    }

    /** Builds {@link Pipelines}. */
    public static final class Builder {
        private final PipelineStore store;
        private final JobClient jobs;
        private String queue = "pipelines";
        private Supplier<? extends java.util.Collection<String>> handlerTypes = Set::of;
        private MeterRegistry meters = new SimpleMeterRegistry();
        private InstantSource clock = InstantSource.system();

        private Builder(PipelineStore store, JobClient jobs) {
            this.store = Objects.requireNonNull(store, "store must be set");
            this.jobs = Objects.requireNonNull(jobs, "jobs must be set");
        }

        /** The queue step jobs go to (default {@code pipelines}). */
        public Builder queue(String q) {
            this.queue = Objects.requireNonNull(q, "queue must be set");
            return this;
        }

        /** The job handler types a step may have (asked at each registration). */
        public Builder stepTypes(Supplier<? extends java.util.Collection<String>> types) {
            this.handlerTypes = Objects.requireNonNull(types, "stepTypes must be set");
            return this;
        }

        public Builder meters(MeterRegistry m) {
            this.meters = Objects.requireNonNull(m, "meters must be set");
            return this;
        }

        /** The clock run ids are made from (default the system's). */
        public Builder clock(InstantSource c) {
            this.clock = Objects.requireNonNull(c, "clock must be set");
            return this;
        }

        public Pipelines build() {
            return new Pipelines(this);
        }
    }

    /** The store the executor keeps runs in. */
    public PipelineStore store() {
        return store;
    }

    /**
     * Registers {@code definition}: a new version when it changed, the latest when not.
     *
     * @throws ValidationException listing every problem, each with its step and field; nothing is registered
     */
    public PipelineStore.Registered register(PipelineDefinition definition) {
        List<Problem> problems = new ArrayList<>(PipelineValidator.validate(definition,
                StepTypes.builtinsAnd(handlerTypes.get())));
        for (int i = 0; i < definition.steps().size(); i++) {
            StepDefinition s = definition.steps().get(i);
            notRunnable(s.id(), i, s.type()).ifPresent(problems::add);
        }
        if (!problems.isEmpty()) {
            throw new ValidationException("pipeline '" + definition.id() + "'",
                    problems.stream().map(Problem::toFieldProblem).toList());
        }
        return store.register(definition);
    }

    /**
     * The problem of step {@code index} ({@code stepId}) when its type is a built-in the executor
     * cannot run yet; empty for job handler types, {@code http}, {@code provider} and {@code wait}.
     */
    public static Optional<Problem> notRunnable(String stepId, int index, String type) {
        Optional<BuiltinStepType> builtin = BuiltinStepType.of(type);
        if (builtin.isPresent() && !RUNNABLE_BUILTINS.contains(builtin.get())) {
            return Optional.of(new Problem(stepId, "steps[" + index + "].type", "step type '" + type + "' cannot run "
                    + "yet: this release runs job handler types, http, provider and wait"));
        }
        return Optional.empty();
    }

    /**
     * Starts a run of the latest version of {@code pipeline} with {@code input}.
     *
     * @param idempotencyKey or null; a second start with it returns the first run
     * @throws NoSuchElementException when no pipeline has that id
     * @throws ValidationException when the input does not match the pipeline's input schema (every error, by path)
     */
    public PipelineStore.Started start(String pipeline, JsonNode input, String idempotencyKey) {
        StoredPipeline p = store.pipeline(pipeline).orElseThrow(() ->
                new NoSuchElementException("no pipeline named '" + pipeline + "'"));
        JsonNode in = input == null ? Json.mapper().createObjectNode() : input;
        if (p.definition().inputSchema() != null) {
            List<FieldProblem> errors = InputSchema.of(p.definition().inputSchema()).validate(in);
            if (!errors.isEmpty()) {
                throw new ValidationException("input of pipeline '" + pipeline + "' v" + p.version(), errors);
            }
        }
        PipelineStore.Started started = store.startRun(new NewRun(ids.next(), pipeline, p.version(), in, idempotencyKey));
        if (!started.replayed()) {
            metrics.started(pipeline);
        }
        return new PipelineStore.Started(advance(started.run().id()).orElse(started.run()), started.replayed());
    }

    /**
     * Moves the run on: records the outcome of each step whose job ended, starts what is ready,
     * records skips, and ends the run when nothing is left. Safe to call from any node, any
     * number of times.
     *
     * @return the run as it is afterwards; empty when there is no such run
     */
    public Optional<PipelineRun> advance(UUID run) {
        Optional<PipelineRun> r = store.run(run);
        if (r.isEmpty() || r.get().phase().isOver()) {
            return r;
        }
        StoredPipeline p = store.pipeline(r.get().pipeline(), r.get().version()).orElseThrow(() ->
                new IllegalStateException("run " + run + " runs pipeline " + r.get().pipeline() + " v" + r.get().version()
                        + ", which the store no longer has"));
        RunPlanner planner = planners.computeIfAbsent(p.id() + '\n' + p.version(), k -> RunPlanner.of(p.definition()));
        return Optional.of(new RunAdvance(store, jobs, planner, metrics, queue).advance(r.get()));
    }

    /** Advances up to {@code max} running runs, oldest first; returns how many. For the leader, every second or so. */
    public int sweep(int max) {
        int n = 0;
        for (UUID id : store.activeRuns(max)) {
            try {
                advance(id);
                n++;
            } catch (RuntimeException e) {
                LOG.warn("Pipeline run {} could not move on ({}); the next sweep tries again, and steps already started "
                        + "are not started twice", id, e.toString());
            }
        }
        return n;
    }

    /** Advances the run {@code job} belongs to, if it is a step job; for the worker's outcome listener. */
    public void onRecorded(Job job) {
        runOf(job).ifPresent(run -> {
            try {
                advance(run);
            } catch (RuntimeException e) {
                LOG.debug("Pipeline run {} did not move on now ({}); the leader's sweep will", run, e.toString());
            }
        });
    }

    /** The run {@code job} is a step of, by its {@link #RUN_TAG} tag; empty for any other job (or a malformed tag set by hand). */
    public static Optional<UUID> runOf(Job job) {
        for (String tag : job.tags()) {
            if (tag.startsWith(RUN_TAG)) {
                try {
                    return Optional.of(UUID.fromString(tag.substring(RUN_TAG.length())));
                } catch (IllegalArgumentException e) {
                    // a tag a user set by hand: not a step job
                }
            }
        }
        return Optional.empty();
    }

    /** The run {@code id} with its steps. */
    public Optional<PipelineRun> run(UUID id) {
        return store.run(id);
    }

    /**
     * Cancels a running run: no step starts any more, and the jobs of its running steps are cancelled.
     *
     * @return the run afterwards
     * @throws NoSuchElementException when there is no such run
     * @throws IllegalStateException when it is not running
     */
    public PipelineRun cancel(UUID id, String reason) {
        PipelineRun r = store.run(id).orElseThrow(() -> new NoSuchElementException("no pipeline run " + id));
        if (!store.cancelRun(id, reason == null ? "cancelled" : reason)) {
            throw new IllegalStateException("run " + id + " is " + r.phase().id() + ", only a running run can be cancelled");
        }
        for (StepRecord s : r.steps()) {
            if (s.status() == StepStatus.RUNNING && s.jobId() != null) {
                jobs.cancel(UUID.fromString(s.jobId()));
            }
        }
        metrics.finished(r.pipeline(), RunPhase.CANCELLED, r.createdAt(), store.now());
        return store.run(id).orElseThrow();
    }

    /**
     * Retries a failed run from its failed step: completed steps keep their outputs and do not
     * run again; the rest are planned afresh with new jobs.
     *
     * @throws NoSuchElementException when there is no such run
     * @throws IllegalStateException when it is not failed
     */
    public PipelineRun retry(UUID id) {
        PipelineRun r = store.run(id).orElseThrow(() -> new NoSuchElementException("no pipeline run " + id));
        if (!store.retryRun(id)) {
            throw new IllegalStateException("run " + id + " is " + r.phase().id() + ", only a failed run can be retried");
        }
        return advance(id).orElseThrow();
    }

    /** A step's output as JSON: its job's result text (null when it returned none). */
    public static JsonNode output(String result) {
        if (result == null) {
            return NullNode.getInstance();
        }
        try {
            return Json.mapper().readTree(result);
        } catch (Exception e) {
            return Json.mapper().getNodeFactory().textNode(result);
        }
    }
}
