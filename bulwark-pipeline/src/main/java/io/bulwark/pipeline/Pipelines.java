package io.bulwark.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bulwark.core.ids.Uuid7;
import io.bulwark.core.json.Json;
import io.bulwark.core.tracing.Tracing;
import io.bulwark.core.validation.FieldProblem;
import io.bulwark.core.validation.ValidationException;
import io.bulwark.jobs.Job;
import io.bulwark.jobs.JobClient;
import io.bulwark.pipeline.internal.ChildRuns;
import io.bulwark.pipeline.internal.PipelineMetrics;
import io.bulwark.pipeline.internal.RunAdvance;
import io.bulwark.pipeline.internal.RunSpans;
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
import java.util.List;
import java.util.Locale;
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
 * <h2>Traces</h2>
 * With {@link Builder#tracing} a run is one span, {@code pipeline <id>}, child of the span current
 * when it started. Its identity is planned then and stored with the run ({@link PipelineRun#trace()});
 * every advance, on any node (a worker's outcome, the leader's sweep, an approval), makes it current,
 * so each step's enqueue and, through the job's trace tag, each attempt is its child; the advance
 * (or cancel) that ends the run emits it, from the run's start to that moment.
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

    private final PipelineStore store;
    private final JobClient jobs;
    private final String queue;
    private final Supplier<? extends java.util.Collection<String>> handlerTypes;
    private final PipelineMetrics metrics;
    private final Uuid7 ids;
    private final Map<String, RunPlanner> planners = new ConcurrentHashMap<>();
    private final ChildRuns children = new Children();
    private final RunSpans spans;

    private Pipelines(Builder b) {
        this.store = b.store;
        this.jobs = b.jobs;
        this.queue = b.queue;
        this.handlerTypes = b.handlerTypes;
        this.metrics = new PipelineMetrics(b.meters);
        this.ids = new Uuid7(b.clock, new SplittableRandom());
        this.spans = new RunSpans(b.tracing, b.clock);
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
        private Tracing tracing = Tracing.noop();

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

        /** The clock run ids are made from, and the end of a run's span (default the system's). */
        public Builder clock(InstantSource c) {
            this.clock = Objects.requireNonNull(c, "clock must be set");
            return this;
        }

        /**
         * Traces runs (off by default): each run is a span {@code pipeline <id>}, child of what
         * started it, over its steps' enqueues, on whichever nodes advance it; give the tracing the
         * job client enqueues with. A tracing that cannot plan spans ({@link Tracing#plan}) gives
         * runs no span: their steps are then traced in the context of whoever advances the run.
         */
        public Builder tracing(Tracing t) {
            this.tracing = Objects.requireNonNull(t, "tracing must be set");
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
            unknownChild(definition.id(), s.id(), i, s.type(), s.input()).ifPresent(problems::add);
        }
        if (!problems.isEmpty()) {
            throw new ValidationException("pipeline '" + definition.id() + "'",
                    problems.stream().map(Problem::toFieldProblem).toList());
        }
        return store.register(definition);
    }

    /**
     * The problem of step {@code index} ({@code stepId}) of pipeline {@code pipelineId} when it is a
     * {@code pipeline} step whose literal {@code input.pipeline} (and {@code input.version}) is not
     * registered; empty for any other step, and for a template (known at run time) or the pipeline
     * itself (a pipeline may run itself, to a depth of 8).
     */
    public Optional<Problem> unknownChild(String pipelineId, String stepId, int index, String type, JsonNode input) {
        if (BuiltinStepType.of(type).orElse(null) != BuiltinStepType.PIPELINE || input == null || !input.isObject()) {
            return Optional.empty();
        }
        JsonNode id = input.get("pipeline");
        if (id == null || !id.isTextual() || id.textValue().contains("${") || id.textValue().equals(pipelineId)) {
            return Optional.empty();
        }
        JsonNode version = input.get("version");
        boolean pinned = version != null && version.canConvertToInt();
        boolean known = pinned ? store.pipeline(id.textValue(), version.intValue()).isPresent()
                : store.pipeline(id.textValue()).isPresent();
        if (known) {
            return Optional.empty();
        }
        return Optional.of(new Problem(stepId, "steps[" + index + "].input.pipeline", "no pipeline '" + id.textValue() + "'"
                + (pinned ? " v" + version.intValue() : "") + " is registered; register the pipeline a step runs before "
                + "the pipeline that runs it"));
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
        PipelineStore.Started started = store.startRun(new NewRun(ids.next(), pipeline, p.version(), in, idempotencyKey,
                spans.plan(pipeline)));
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
        return advance(run, true);
    }

    /** Advances {@code run}; when it ends and {@code notifyParent}, advances the run it is a child of. */
    private Optional<PipelineRun> advance(UUID run, boolean notifyParent) {
        Optional<PipelineRun> r = store.run(run);
        if (r.isEmpty() || r.get().phase().isOver()) {
            return r;
        }
        StoredPipeline p = store.pipeline(r.get().pipeline(), r.get().version()).orElseThrow(() ->
                new IllegalStateException("run " + run + " runs pipeline " + r.get().pipeline() + " v" + r.get().version()
                        + ", which the store no longer has"));
        PipelineRun after;
        try (Tracing.Scope ignored = spans.activate(r.get())) {
            after = new RunAdvance(store, jobs, planner(p), metrics, queue, children, spans).advance(r.get());
        }
        if (notifyParent && after.phase().isOver()) {
            advanceParent(after);
        }
        return Optional.of(after);
    }

    /** A child run that ended moves its parent's step on now rather than at the leader's next sweep. */
    private void advanceParent(PipelineRun ended) {
        ChildRuns.parentOf(ended.idempotencyKey()).ifPresent(parent -> {
            try {
                advance(parent);
            } catch (RuntimeException e) {
                LOG.debug("Pipeline run {} did not move on after its child run {} ended ({}); the leader's sweep will",
                        parent, ended.id(), e.toString());
            }
        });
    }

    private RunPlanner planner(StoredPipeline p) {
        return planners.computeIfAbsent(p.id() + '\n' + p.version(), k -> RunPlanner.of(p.definition()));
    }

    /**
     * The output of a completed run: an object with the output of each of its final steps (see
     * {@link Plan#output()}); empty while it has not completed.
     */
    public Optional<JsonNode> output(PipelineRun run) {
        if (run.phase() != RunPhase.COMPLETED) {
            return Optional.empty();
        }
        return store.pipeline(run.pipeline(), run.version())
                .map(p -> planner(p).plan(run.input(), run.state()).output());
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
            if (s.status() != StepStatus.RUNNING) {
                continue;
            }
            s.job().ifPresent(jobs::cancel);
            s.childRun().ifPresent(child -> {
                try {
                    cancel(child, "its parent run " + id + " was cancelled");
                } catch (IllegalStateException | NoSuchElementException e) {
                    // it ended meanwhile
                }
            });
        }
        metrics.finished(r.pipeline(), RunPhase.CANCELLED, r.createdAt(), store.now());
        PipelineRun cancelled = store.run(id).orElseThrow();
        spans.ended(cancelled);
        advanceParent(cancelled);
        return cancelled;
    }

    /**
     * Approves the waiting {@code approval} step {@code step} of {@code run}: the step completes
     * with {@code {"approved": true, "by": ..., "comment": ..., "at": ...}} and the run moves on.
     *
     * @param by who approves (on a server, the caller's API key id)
     * @param comment or null
     * @return the run afterwards
     * @throws NoSuchElementException when there is no such run, or its pipeline has no such step
     * @throws IllegalArgumentException when the step is not an approval step
     * @throws IllegalStateException when the run is not running or the step is not waiting for a decision
     */
    public PipelineRun approve(UUID run, StepInstance step, String by, String comment) {
        return decide(run, step, by, comment, true);
    }

    /**
     * Rejects the waiting {@code approval} step {@code step} of {@code run}: the step fails with
     * {@code rejected by <by>: <comment>}, and its {@code onFailure} decides what the run does.
     * Throws as {@link #approve} does.
     */
    public PipelineRun reject(UUID run, StepInstance step, String by, String comment) {
        return decide(run, step, by, comment, false);
    }

    private PipelineRun decide(UUID run, StepInstance step, String by, String comment, boolean approve) {
        String verb = approve ? "approved" : "rejected";
        PipelineRun r = store.run(run).orElseThrow(() -> new NoSuchElementException("no pipeline run " + run));
        StepDefinition def = store.pipeline(r.pipeline(), r.version()).flatMap(p -> p.definition().step(step.stepId()))
                .orElseThrow(() -> new NoSuchElementException("pipeline " + r.pipeline() + " v" + r.version()
                        + " has no step '" + step.stepId() + "'"));
        if (BuiltinStepType.of(def.type()).orElse(null) != BuiltinStepType.APPROVAL) {
            throw new IllegalArgumentException("step '" + step.stepId() + "' is of type " + def.type()
                    + "; only a step of type approval can be " + verb);
        }
        if (r.phase() != RunPhase.RUNNING) {
            throw new IllegalStateException("run " + run + " is " + r.phase().id() + "; only a running run's steps can be "
                    + verb);
        }
        StepRecord s = r.step(step).orElse(null);
        if (s == null || s.status() != StepStatus.RUNNING) {
            throw new IllegalStateException("step " + step + " is " + (s == null
                    ? "not waiting yet (the steps before it have not finished, or it fans out and needs an index such as "
                    + step.stepId() + "[0])" : s.status().name().toLowerCase(Locale.ROOT) + (s.error() == null ? ""
                    : " (" + s.error() + ")")) + "; only a waiting approval can be " + verb);
        }
        String who = by == null || by.isBlank() ? "someone" : by;
        boolean moved;
        if (approve) {
            ObjectNode out = Json.mapper().createObjectNode().put("approved", true).put("by", who);
            out.put("comment", comment).put("at", store.now().toString());
            moved = store.finishStep(run, step, StepStatus.COMPLETED, out, null, 0);
        } else {
            moved = store.finishStep(run, step, StepStatus.FAILED, null, "rejected by " + who
                    + (comment == null || comment.isBlank() ? "" : ": " + comment), 0);
        }
        if (!moved) {
            throw new IllegalStateException("step " + step + " was decided, or its time ran out, meanwhile; see the run");
        }
        metrics.step(r.pipeline(), approve ? StepStatus.COMPLETED : StepStatus.FAILED, s.startedAt(), store.now());
        s.job().ifPresent(jobs::cancel); // its timer
        return advance(run).orElseThrow();
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
        if (!store.retryRun(id, spans.next(r))) {
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

    /** Starts and reads the child runs of {@code pipeline} steps for {@link RunAdvance}. */
    private final class Children implements ChildRuns {

        @Override
        public UUID startChild(PipelineRun parent, StepInstance at, JsonNode input) {
            int depth = depth(parent);
            if (depth >= MAX_DEPTH) {
                throw new IllegalArgumentException("sub-pipelines nest at most " + MAX_DEPTH + " runs deep, and run "
                        + parent.id() + " is already " + depth + " levels down (does a pipeline run itself?)");
            }
            String id = input.path("pipeline").asText();
            JsonNode version = input.get("version");
            if (version != null && !version.isNull() && !version.canConvertToInt()) {
                throw new IllegalArgumentException("version: must be a whole number (a version of pipeline '" + id
                        + "') but was " + version);
            }
            boolean pinned = version != null && !version.isNull();
            StoredPipeline p = (pinned ? store.pipeline(id, version.intValue()) : store.pipeline(id)).orElseThrow(() ->
                    new IllegalArgumentException("no pipeline '" + id + "'" + (pinned ? " v" + version.intValue() : "")
                            + " is registered"));
            JsonNode in = input.hasNonNull("input") ? input.get("input") : Json.mapper().createObjectNode();
            if (p.definition().inputSchema() != null) {
                List<FieldProblem> errors = InputSchema.of(p.definition().inputSchema()).validate(in);
                if (!errors.isEmpty()) {
                    throw new IllegalArgumentException(new ValidationException("input of pipeline '" + id + "' v"
                            + p.version(), errors).getMessage());
                }
            }
            // Planned here, while the parent run's span is current: the child run's span is its child.
            PipelineStore.Started started = store.startRun(new NewRun(ids.next(), id, p.version(), in,
                    ChildRuns.key(parent.id(), at), spans.plan(id)));
            PipelineRun child = started.run();
            if (!started.replayed()) {
                metrics.started(id);
            } else if (child.phase() == RunPhase.FAILED) {
                // The parent is retried: so is its child, from its own failed step, timed by a span under the
                // parent's new generation (current here) rather than beside its failed one.
                store.retryRun(child.id(), spans.plan(id));
            } else if (child.phase() == RunPhase.CANCELLED) {
                throw new IllegalArgumentException("its sub-pipeline run " + child.id() + " was cancelled ("
                        + child.error() + "), and a cancelled run does not resume");
            }
            advance(child.id(), false); // its first steps start now; the parent sees it end when it next settles
            return child.id();
        }

        /** How many parents {@code run} has. */
        private int depth(PipelineRun run) {
            int depth = 0;
            Optional<UUID> parent = ChildRuns.parentOf(run.idempotencyKey());
            while (parent.isPresent() && depth < MAX_DEPTH) {
                depth++;
                parent = store.run(parent.get()).flatMap(r -> ChildRuns.parentOf(r.idempotencyKey()));
            }
            return depth;
        }

        @Override
        public JsonNode output(PipelineRun run) {
            return Pipelines.this.output(run).orElse(NullNode.getInstance());
        }
    }
}
