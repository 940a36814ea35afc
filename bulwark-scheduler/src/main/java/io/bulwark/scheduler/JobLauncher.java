package io.bulwark.scheduler;

import io.bulwark.jobs.Job;
import io.bulwark.jobs.JobClient;
import io.bulwark.jobs.JobRequest;

import java.time.Instant;
import java.util.UUID;

/**
 * Launches {@link ScheduleTarget.Job} targets: enqueues the job through a {@link JobClient} with
 * the firing's key as its idempotency key, so a tick enqueues one job however often it is tried.
 */
public final class JobLauncher implements Launcher {

    private final JobClient jobs;

    public JobLauncher(JobClient jobs) {
        this.jobs = jobs;
    }

    @Override
    public String launch(Schedule schedule, Instant tick, Instant runAt, String key) {
        if (!(schedule.target() instanceof ScheduleTarget.Job t)) {
            throw new IllegalArgumentException("schedule " + schedule.name() + " targets a " + schedule.target().kind()
                    + ", not a job");
        }
        JobRequest.Builder r = JobRequest.builder(t.queue(), t.type()).payload(t.payload()).runAt(runAt)
                .idempotencyKey(key).tag("schedule:" + schedule.name());
        if (t.priority() != null) {
            r.priority(t.priority());
        }
        if (t.maxAttempts() != null) {
            r.maxAttempts(t.maxAttempts());
        }
        return jobs.enqueue(r.build()).job().id().toString();
    }

    @Override
    public RunStatus status(String ref) {
        return jobs.get(UUID.fromString(ref)).map(JobLauncher::status).orElseGet(RunStatus::gone);
    }

    private static RunStatus status(Job job) {
        return new RunStatus(job.state().id(), job.state().isFinal());
    }
}
