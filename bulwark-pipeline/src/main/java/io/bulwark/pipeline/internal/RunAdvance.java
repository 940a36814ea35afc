package io.bulwark.pipeline.internal;

import io.bulwark.jobs.Backoff;
import io.bulwark.jobs.Job;
import io.bulwark.jobs.JobClient;
import io.bulwark.jobs.JobRequest;
import io.bulwark.jobs.JobState;
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
 */
public final class RunAdvance {

    private final PipelineStore store;
    private final JobClient jobs;
    private final RunPlanner planner;
    private final PipelineMetrics metrics;
    private final String queue;

    public RunAdvance(PipelineStore store, JobClient jobs, RunPlanner planner, PipelineMetrics metrics, String queue) {
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
                if (store.finishRun(r.id(), to, plan.failedStep() == null ? null : plan.failedStep().toString(), plan.error())) {
                    metrics.finished(r.pipeline(), to, r.createdAt(), store.now());
                }
                r = reload(r);
            }
            return r;
        }
        return r;
    }

    /** Records the end of each running step whose job ended; true when any did. */
    private boolean settle(PipelineRun r) {
        boolean changed = false;
        for (StepRecord s : r.steps()) {
            if (s.status() != StepStatus.RUNNING || s.jobId() == null) {
                continue;
            }
            Optional<Job> job = jobs.get(UUID.fromString(s.jobId()));
            StepStatus to;
            String error = null;
            if (job.isEmpty()) {
                to = StepStatus.FAILED;
                error = "its job " + s.jobId() + " no longer exists";
            } else if (job.get().state() == JobState.COMPLETED) {
                to = StepStatus.COMPLETED;
            } else if (job.get().state() == JobState.DEAD) {
                to = StepStatus.FAILED;
                error = job.get().lastError() == null ? "its job died" : job.get().lastError();
            } else if (job.get().state() == JobState.CANCELLED) {
                to = StepStatus.FAILED;
                error = "its job was cancelled";
            } else {
                continue;
            }
            int attempts = job.map(Job::attempt).orElse(0);
            if (store.finishStep(r.id(), s.instance(), to, to == StepStatus.COMPLETED
                    ? Pipelines.output(job.get().result()) : null, error, attempts)) {
                metrics.step(r.pipeline(), to, s.startedAt(), store.now());
            }
            changed = true;
        }
        return changed;
    }

    private List<StepRecord> records(PipelineRun r, Plan plan) {
        Instant now = store.now();
        List<StepRecord> out = new ArrayList<>();
        for (StepStart s : plan.start()) {
            String jobId = enqueue(r, s);
            out.add(new StepRecord(s.instance(), StepStatus.RUNNING, jobId, s.input(), null, null, 0, s.standsFor(), now,
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
