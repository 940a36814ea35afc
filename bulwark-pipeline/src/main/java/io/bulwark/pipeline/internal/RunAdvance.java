package io.bulwark.pipeline.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.jobs.Job;
import io.bulwark.jobs.JobClient;
import io.bulwark.jobs.JobRequest;
import io.bulwark.pipeline.BuiltinStepType;
import io.bulwark.pipeline.Pipelines;
import io.bulwark.pipeline.Plan;
import io.bulwark.pipeline.RunPlanner;
import io.bulwark.pipeline.StepDefinition;
import io.bulwark.pipeline.StepFail;
import io.bulwark.pipeline.StepInstance;
import io.bulwark.pipeline.StepRetry;
import io.bulwark.pipeline.StepSkip;
import io.bulwark.pipeline.StepStart;
import io.bulwark.pipeline.StepStatus;
import io.bulwark.pipeline.store.PipelineRun;
import io.bulwark.pipeline.store.PipelineStore;
import io.bulwark.pipeline.store.RunPhase;
import io.bulwark.pipeline.store.StepRecord;
import io.bulwark.resilience.retry.Backoff;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * One advance of one run (see {@link Pipelines#advance}): settle the steps whose jobs ended,
 * then plan and record until the plan is idle, then end the run when the plan says it is over.
 * Every write is idempotent (jobs by key, step rows insert-if-absent, step and run ends move
 * once), so two of these racing on one run, or one repeated after a crash, do the same once.
 * The caller makes the run's span current ({@link RunSpans#activate}), so the steps' enqueues are
 * its children; the advance that ends the run emits it.
 */
public final class RunAdvance {

    private final PipelineStore store;
    private final JobClient jobs;
    private final RunPlanner planner;
    private final PipelineMetrics metrics;
    private final String queue;
    private final ChildRuns children;
    private final RunSpans spans;

    public RunAdvance(PipelineStore store, JobClient jobs, RunPlanner planner, PipelineMetrics metrics, String queue,
                      ChildRuns children, RunSpans spans) {
        this.children = children;
        this.spans = spans;
        this.store = store;
        this.jobs = jobs;
        this.planner = planner;
        this.metrics = metrics;
        this.queue = queue;
    }

    /** Advances {@code run}; returns it as it is afterwards. */
    public PipelineRun advance(PipelineRun run) {
        PipelineRun r = run;
        int rounds = 4 * planner.definition().steps().size() + 8;
        for (int i = 0; i < rounds && r.phase() == RunPhase.RUNNING; i++) {
            if (settle(r)) {
                r = reload(r);
            }
            Plan plan = planner.plan(r.input(), r.state());
            List<StepRecord> records = records(r, plan);
            if (!records.isEmpty()) {
                store.recordSteps(r.id(), records);
                count(r, records);
                r = reload(r);
                continue;
            }
            if (plan.status().isOver()) {
                RunPhase to = plan.status() == io.bulwark.pipeline.RunStatus.COMPLETED ? RunPhase.COMPLETED : RunPhase.FAILED;
                boolean ended = store.finishRun(r.id(), to, plan.failedStep() == null ? null : plan.failedStep().toString(),
                        plan.error());
                if (ended) {
                    metrics.finished(r.pipeline(), to, r.createdAt(), store.now());
                }
                r = reload(r);
                if (ended) {
                    spans.ended(r); // by the one caller that ended it, on whatever node
                }
            }
            return r;
        }
        return r;
    }

    /** Records the end of each running step whose job or child run ended; true when any did. */
    private boolean settle(PipelineRun r) {
        boolean changed = false;
        for (StepRecord s : r.steps()) {
            if (s.status() != StepStatus.RUNNING) {
                continue;
            }
            Optional<Ending> end = s.childRun().flatMap(this::childEnding)
                    .or(() -> s.job().flatMap(job -> jobEnding(job, step(s.instance()))));
            if (end.isEmpty()) {
                continue;
            }
            if (store.finishStep(r.id(), s.instance(), end.get().to(), end.get().output(), end.get().error(),
                    end.get().attempts())) {
                metrics.step(r.pipeline(), end.get().to(), s.startedAt(), store.now());
            }
            changed = true; // by this call or by another node's: the run is reloaded either way
        }
        return changed;
    }

    /** How a step ends: COMPLETED with an output, or FAILED with an error. */
    private record Ending(StepStatus to, JsonNode output, String error, int attempts) {
        static Ending completed(JsonNode output, int attempts) {
            return new Ending(StepStatus.COMPLETED, output, null, attempts);
        }

        static Ending failed(String error, int attempts) {
            return new Ending(StepStatus.FAILED, null, error, attempts);
        }
    }

    /** The end of a step carried out by job {@code id}, once the job ended. */
    private Optional<Ending> jobEnding(UUID id, StepDefinition step) {
        Optional<Job> found = jobs.get(id);
        if (found.isEmpty()) {
            return Optional.of(Ending.failed("its job " + id + " no longer exists", 0));
        }
        Job job = found.get();
        return switch (job.state()) {
            // An approval's job is its timer: when it runs, the time to approve is over.
            case COMPLETED -> Optional.of(BuiltinStepType.of(step.type()).orElse(null) == BuiltinStepType.APPROVAL
                    ? Ending.failed("not approved within " + step.input().path("timeout").asText() + " (timed out at "
                            + job.finishedAt() + ")", 0)
                    : Ending.completed(Pipelines.output(job.result()), job.attempt()));
            case DEAD -> Optional.of(Ending.failed(job.lastError() == null ? "its job died" : job.lastError(), job.attempt()));
            case CANCELLED -> Optional.of(Ending.failed("its job was cancelled", job.attempt()));
            case EXPIRED -> Optional.of(Ending.failed("its job waited past its expiresAt (" + job.expiresAt()
                    + ") and expired", job.attempt()));
            default -> Optional.empty();
        };
    }

    /** The end of a step carried out by the child run {@code id}, once the child ended. */
    private Optional<Ending> childEnding(UUID id) {
        Optional<PipelineRun> found = store.run(id);
        if (found.isEmpty()) {
            return Optional.of(Ending.failed("its sub-pipeline run " + id + " no longer exists", 0));
        }
        PipelineRun child = found.get();
        return Optional.ofNullable(switch (child.phase()) {
            case RUNNING -> null;
            case COMPLETED -> Ending.completed(children.output(child), 1);
            case FAILED -> Ending.failed("its sub-pipeline run " + id + " (" + child.pipeline() + " v" + child.version()
                    + ") failed at '" + child.failedStep() + "': " + child.error(), 1);
            case CANCELLED -> Ending.failed("its sub-pipeline run " + id + " was cancelled: " + child.error(), 1);
        });
    }

    private StepDefinition step(StepInstance instance) {
        return planner.definition().step(instance.stepId()).orElseThrow(() -> new IllegalStateException("run records step '"
                + instance.stepId() + "', which pipeline " + planner.definition().id() + " v" + planner.definition().version()
                + " does not have"));
    }

    private List<StepRecord> records(PipelineRun r, Plan plan) {
        Instant now = store.now();
        List<StepRecord> out = new ArrayList<>();
        for (StepStart s : plan.start()) {
            String carrier;
            try {
                carrier = carry(r, s);
            } catch (IllegalArgumentException e) {
                out.add(new StepRecord(s.instance(), StepStatus.FAILED, null, s.input(), null, e.getMessage(), 0,
                        s.standsFor(), now, now));
                continue;
            }
            out.add(new StepRecord(s.instance(), StepStatus.RUNNING, carrier, s.input(), null, null, 0, s.standsFor(), now,
                    null));
        }
        for (StepSkip s : plan.skip()) {
            out.add(new StepRecord(s.instance(), StepStatus.SKIPPED, null, null, null, s.reason(), 0, null, now, now));
        }
        for (StepFail f : plan.fail()) {
            out.add(new StepRecord(f.instance(), StepStatus.FAILED, null, null, null, f.error(), 0, null, now, now));
        }
        return out;
    }

    /**
     * Starts what carries out {@code s} and returns its carrier: a job, a child run (a
     * {@code pipeline} step), an approval's timer job, or null for an approval without a timeout.
     *
     * @throws IllegalArgumentException when a child run cannot start (the step fails with the message)
     */
    private String carry(PipelineRun r, StepStart s) {
        BuiltinStepType builtin = BuiltinStepType.of(s.step().type()).orElse(null);
        if (builtin == BuiltinStepType.PIPELINE) {
            return StepRecord.childRunCarrier(children.startChild(r, s.instance(), s.input()));
        }
        if (builtin == BuiltinStepType.APPROVAL && !s.input().hasNonNull("timeout")) {
            return null;
        }
        return enqueue(r, s);
    }

    private void count(PipelineRun r, List<StepRecord> records) {
        for (StepRecord s : records) {
            if (s.status() == StepStatus.SKIPPED || s.status() == StepStatus.FAILED) {
                metrics.step(r.pipeline(), s.status(), s.startedAt(), s.finishedAt());
            }
        }
    }

    private String enqueue(PipelineRun r, StepStart s) {
        StepDefinition step = s.step();
        JobRequest.Builder req = StepJobs.request(queue, step.type(), s.input())
                .idempotencyKey(key(r, s.instance())).tag(Pipelines.RUN_TAG + r.id());
        StepRetry retry = step.retry();
        if (retry != null) {
            // Without one, the step's queue decides, as for any job.
            req.maxAttempts(retry.maxAttempts()).backoff(new Backoff(retry.base(), retry.factor(), retry.cap()));
        }
        if (step.timeout() != null) {
            req.timeout(step.timeout());
        }
        return jobs.enqueue(req.build()).job().id().toString();
    }

    /** The idempotency key of an instance's job in this generation of the run. */
    static String key(PipelineRun r, StepInstance i) {
        return "pipeline:" + r.id() + ":" + r.generation() + ":" + i;
    }

    private PipelineRun reload(PipelineRun r) {
        return store.run(r.id()).orElse(r);
    }
}
