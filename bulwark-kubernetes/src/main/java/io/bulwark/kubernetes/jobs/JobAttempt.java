package io.bulwark.kubernetes.jobs;

import io.bulwark.jobs.JobContext;
import io.bulwark.jobs.JobFailure;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobList;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.ScalableResource;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.function.Supplier;

/**
 * One attempt of a {@code builtin.kubernetes-job}: create (or adopt) the Kubernetes Job, remove
 * what earlier attempts left running, then poll until it ends or the attempt is stopped.
 *
 * <p>Design notes. Everything runs on the worker's thread; nothing is shared, so there is no
 * locking. A stop (cancel, timeout, lost lease, drain) arrives as {@link JobContext#isCancelled()}
 * and usually an interrupt; it is noticed between polls, in the pause between them and inside a
 * fabric8 call (which ends with an interrupted {@link KubernetesClientException}). Every path that
 * notices it throws {@link Stopped}, and {@link #run} alone turns that into "delete the Job, then
 * end": the interrupt flag is cleared for the delete call (fabric8 would refuse to block) and set
 * again before the attempt ends. The Job is deleted too when this side gives up on it (a pod that
 * cannot pull its image, the API unreadable); a Job that Kubernetes reports failed is left for
 * its TTL, so {@code kubectl describe} and {@code kubectl logs} can still explain it.
 */
final class JobAttempt {

    private static final System.Logger LOG = System.getLogger(KubernetesJobHandler.class.getName());
    /** Polls in a row that may fail (a restarting API server, a network blip) before the attempt gives up. */
    static final int MAX_POLL_ERRORS = 5;
    /** Waiting reasons of a container that will not start without a change. */
    private static final Set<String> STUCK = Set.of("ImagePullBackOff", "ErrImageNeverPull", "InvalidImageName");

    private final KubernetesClient client;
    private final String namespace;
    private final String name;
    private final JobContext<?> ctx;
    private final Duration pollInterval;
    private final JobPods pods;

    /** Where a Kubernetes Job is, as far as this attempt cares. */
    enum Phase { RUNNING, SUCCEEDED, FAILED }

    /** Thrown wherever a stop is noticed; only {@link #run} handles it. */
    private static final class Stopped extends Exception {
        Stopped() {
            super(null, null, false, false);
        }
    }

    JobAttempt(KubernetesClient client, String namespace, String name, JobContext<?> ctx, Duration pollInterval) {
        this.client = client;
        this.namespace = namespace;
        this.name = name;
        this.ctx = ctx;
        this.pollInterval = pollInterval;
        this.pods = new JobPods(client, namespace, name);
    }

    KubernetesJobResult run(Job manifest) throws Exception {
        try {
            Job job = createOrAdopt(manifest);
            deleteEarlierAttempts();
            return await(job);
        } catch (Stopped s) {
            boolean interrupted = Thread.interrupted();
            try {
                delete("the attempt was stopped");
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            throw new CancellationException("kubernetes job " + where() + " deleted: the attempt was stopped "
                    + "(cancelled, timed out, lost its lease or its worker is draining)");
        }
    }

    /**
     * Creates the Job; when one of that name exists, this attempt made it before (a drained job is
     * given back with the same attempt number, or a worker restarted mid-attempt) and it is
     * adopted, unless it is on its way out (deleted when the attempt was stopped), which is waited
     * out before creating it afresh.
     */
    private Job createOrAdopt(Job manifest) throws Exception {
        boolean told = false;
        while (true) {
            checkpoint();
            try {
                return api(() -> jobs().resource(manifest).create());
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw ApiFailures.of("create Job " + name, namespace, client.getMasterUrl().toString(), e,
                            ApiFailures.permanentOnCreate(e));
                }
            }
            Job existing;
            try {
                existing = api(() -> jobs().withName(name).get());
            } catch (KubernetesClientException e) {
                throw ApiFailures.of("read existing Job " + name, namespace, client.getMasterUrl().toString(), e, false);
            }
            if (existing == null) {
                continue; // gone between the two calls: create it
            }
            if (existing.getMetadata().getDeletionTimestamp() == null) {
                return adopt(existing);
            }
            if (!told) {
                LOG.log(System.Logger.Level.INFO, "Kubernetes job {0} of an earlier run of attempt {1} of job {2} is "
                        + "being deleted; creating it again once it is gone", where(), ctx.attempt(), ctx.id());
                told = true;
            }
            pause();
        }
    }

    private Job adopt(Job existing) throws JobFailure {
        String owner = label(existing, KubernetesJobHandler.JOB_ID_LABEL);
        if (!ctx.id().toString().equals(owner)) {
            throw JobFailure.permanent("kubernetes job " + where() + " already exists and was not made by Bulwark job "
                    + ctx.id() + " (its label " + KubernetesJobHandler.JOB_ID_LABEL + " is "
                    + (owner == null ? "missing" : "'" + owner + "'") + "); delete it or run the job in another namespace");
        }
        LOG.log(System.Logger.Level.INFO, "Kubernetes job {0} already exists for attempt {1} of job {2}: waiting for it "
                + "instead of creating another", where(), ctx.attempt(), ctx.id());
        return existing;
    }

    /**
     * Deletes unfinished Jobs of this Bulwark job's earlier attempts, left running by a worker
     * that died or lost its lease, so one attempt runs at a time. Best effort: a failure is logged.
     */
    private void deleteEarlierAttempts() throws Stopped {
        List<Job> all;
        try {
            all = api(() -> jobs().withLabel(KubernetesJobHandler.JOB_ID_LABEL, ctx.id().toString()).list().getItems());
        } catch (KubernetesClientException e) {
            LOG.log(System.Logger.Level.WARNING, "Could not list earlier attempts of job {0} in namespace {1} (HTTP {2}: "
                    + "{3}); any still running go on until their activeDeadline", ctx.id(), namespace, e.getCode(),
                    ApiFailures.apiMessage(e));
            return;
        }
        for (Job old : all) {
            String oldName = old.getMetadata().getName();
            if (!name.equals(oldName) && phase(old) == Phase.RUNNING) {
                try {
                    api(() -> jobs().withName(oldName).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete());
                    LOG.log(System.Logger.Level.INFO, "Deleted kubernetes job {0}/{1}, left running by an earlier attempt "
                            + "of job {2}, before waiting for attempt {3}", namespace, oldName, ctx.id(), ctx.attempt());
                } catch (KubernetesClientException e) {
                    LOG.log(System.Logger.Level.WARNING, "Could not delete kubernetes job {0}/{1} of an earlier attempt "
                            + "(HTTP {2}: {3}); it runs on until its activeDeadline", namespace, oldName, e.getCode(),
                            ApiFailures.apiMessage(e));
                }
            }
        }
    }

    private KubernetesJobResult await(Job created) throws Exception {
        Job job = created;
        int errors = 0;
        while (true) {
            Phase phase = phase(job);
            if (phase == Phase.SUCCEEDED) {
                return result(job);
            }
            if (phase == Phase.FAILED) {
                throw new IllegalStateException(failure(job));
            }
            if (waitingForPods(job)) {
                stuck(job);
            }
            pause();
            try {
                job = api(() -> jobs().withName(name).get());
                errors = 0;
            } catch (KubernetesClientException e) {
                if (++errors < MAX_POLL_ERRORS) {
                    LOG.log(System.Logger.Level.DEBUG, "Reading kubernetes job {0} failed ({1} in a row, HTTP {2}: {3}); "
                            + "polling again", where(), errors, e.getCode(), ApiFailures.apiMessage(e));
                    continue;
                }
                delete("its status could not be read " + errors + " times in a row");
                throw ApiFailures.of("read Job " + name + " (" + errors + " times in a row)", namespace,
                        client.getMasterUrl().toString(), e, false);
            }
            if (job == null) {
                throw new IllegalStateException("kubernetes job " + where() + " disappeared before it finished (deleted "
                        + "by someone or something else); the job's retry policy decides what happens next");
            }
        }
    }

    /** Conditions first (they carry the reason), then the pod counts. */
    static Phase phase(Job job) {
        JobStatus s = job.getStatus();
        if (s == null) {
            return Phase.RUNNING;
        }
        if (condition(job, "Complete") != null) {
            return Phase.SUCCEEDED;
        }
        if (condition(job, "Failed") != null) {
            return Phase.FAILED;
        }
        if (s.getSucceeded() != null && s.getSucceeded() >= 1) {
            return Phase.SUCCEEDED;
        }
        if (s.getFailed() != null && s.getFailed() >= 1) {
            return Phase.FAILED;
        }
        return Phase.RUNNING;
    }

    private static JobCondition condition(Job job, String type) {
        List<JobCondition> conditions = job.getStatus() == null ? null : job.getStatus().getConditions();
        if (conditions == null) {
            return null;
        }
        return conditions.stream().filter(c -> type.equals(c.getType()) && "True".equalsIgnoreCase(c.getStatus()))
                .findFirst().orElse(null);
    }

    /** True while the pod exists but is not ready: the moment to ask whether it can start at all. */
    private static boolean waitingForPods(Job job) {
        JobStatus s = job.getStatus();
        return s != null && s.getActive() != null && s.getActive() >= 1 && (s.getReady() == null || s.getReady() == 0);
    }

    /** Gives up on a pod whose container cannot start (a bad or unreachable image) instead of waiting out the deadline. */
    private void stuck(Job job) throws Exception {
        Pod pod;
        try {
            pod = api(() -> pods.newest(job.getMetadata().getUid()));
        } catch (KubernetesClientException e) {
            return; // best effort: the next poll asks again
        }
        ContainerStatus main = JobPods.main(pod);
        if (main == null || main.getState() == null || main.getState().getWaiting() == null
                || !STUCK.contains(main.getState().getWaiting().getReason())) {
            return;
        }
        String reason = main.getState().getWaiting().getReason();
        String message = "kubernetes job " + where() + " cannot start: " + JobPods.describe(main);
        delete("its container cannot start (" + reason + ")");
        if ("InvalidImageName".equals(reason)) {
            throw JobFailure.permanent(message + "; not retried, since the image name is invalid");
        }
        throw new IllegalStateException(message);
    }

    private KubernetesJobResult result(Job job) {
        JobStatus s = job.getStatus();
        return new KubernetesJobResult(namespace, name, instant(s.getStartTime()), instant(s.getCompletionTime()),
                pods.logTail(job.getMetadata().getUid()));
    }

    private String failure(Job job) {
        JobCondition failed = condition(job, "Failed");
        StringBuilder m = new StringBuilder("kubernetes job ").append(where()).append(" failed: ");
        if (failed != null) {
            m.append(Objects.requireNonNullElse(failed.getReason(), "Failed"));
            if (failed.getMessage() != null && !failed.getMessage().isBlank()) {
                m.append(": ").append(failed.getMessage());
            }
        } else {
            m.append("status.failed=").append(job.getStatus().getFailed());
        }
        try {
            String state = JobPods.describe(JobPods.main(pods.newest(job.getMetadata().getUid())));
            if (state != null) {
                m.append("; ").append(state);
            }
        } catch (KubernetesClientException e) {
            // best effort: the condition already says why
        }
        return m.toString();
    }

    private void delete(String why) {
        try {
            jobs().withName(name).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
            LOG.log(System.Logger.Level.INFO, "Deleted kubernetes job {0} (attempt {1} of job {2}): {3}", where(),
                    ctx.attempt(), ctx.id(), why);
        } catch (KubernetesClientException e) {
            LOG.log(System.Logger.Level.WARNING, "Could not delete kubernetes job {0} after {1} (HTTP {2}: {3}); it runs "
                    + "on until it ends or its activeDeadline passes, and is removed its ttlAfterFinished later; "
                    + "`kubectl delete job -n {4} {5}` stops it now", where(), why, e.getCode(),
                    ApiFailures.apiMessage(e), namespace, name);
        }
    }

    private void checkpoint() throws Stopped {
        if (ctx.isCancelled() || Thread.currentThread().isInterrupted()) {
            throw new Stopped();
        }
    }

    private void pause() throws Stopped {
        checkpoint();
        try {
            Thread.sleep(pollInterval);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Stopped();
        }
        checkpoint();
    }

    /** Runs one API call; a call cut short by a stop becomes {@link Stopped}. */
    private <T> T api(Supplier<T> call) throws Stopped {
        try {
            return call.get();
        } catch (KubernetesClientException e) {
            if (ApiFailures.interrupted(e) || ctx.isCancelled() || Thread.currentThread().isInterrupted()) {
                throw new Stopped();
            }
            throw e;
        }
    }

    private NonNamespaceOperation<Job, JobList, ScalableResource<Job>> jobs() {
        return client.batch().v1().jobs().inNamespace(namespace);
    }

    private static String label(Job job, String key) {
        return job.getMetadata() == null || job.getMetadata().getLabels() == null ? null
                : job.getMetadata().getLabels().get(key);
    }

    private static Instant instant(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private String where() {
        return namespace + "/" + name;
    }
}
