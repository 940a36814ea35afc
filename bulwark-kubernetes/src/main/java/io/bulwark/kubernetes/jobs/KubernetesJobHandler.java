package io.bulwark.kubernetes.jobs;

import io.bulwark.jobs.JobContext;
import io.bulwark.jobs.JobFailure;
import io.bulwark.jobs.JobHandler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Runs one attempt of a Bulwark job as a Kubernetes Job and waits for it: the payload
 * ({@link KubernetesJobSpec}) names the image; the Job is named after the Bulwark job and attempt
 * ({@link #jobName}), has {@code backoffLimit: 0} (Bulwark's retry policy owns retries) and is
 * polled every {@code pollInterval} until it ends.
 *
 * <ul>
 *   <li>Succeeded: returns a {@link KubernetesJobResult} with the tail of the pod's log.</li>
 *   <li>Failed (or its container cannot pull its image): a retryable failure naming the Job, the
 *       reason and the container's exit code.</li>
 *   <li>An invalid payload, or an API answer a retry cannot change (400/422 invalid, 403 forbidden,
 *       404 no such namespace): a permanent failure.</li>
 *   <li>Stopped (cancel, timeout, lost lease, drain): the Job is deleted and the attempt ends.</li>
 *   <li>A Job of the same name that this Bulwark job made already (the attempt entered again) is adopted.</li>
 * </ul>
 *
 * <pre>{@code
 * handlers.register(KubernetesJobs.TYPE, KubernetesJobSpec.class, KubernetesJobHandler.of(client));
 * // or, with the client made on first use: KubernetesJobs.register(handlers, () -> new KubernetesClientBuilder().build())
 * }</pre>
 */
public final class KubernetesJobHandler implements JobHandler<KubernetesJobSpec, KubernetesJobResult> {

    /** Label naming the tool that manages the Job: {@code bulwark}. */
    public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
    /** Label carrying the Bulwark job id. */
    public static final String JOB_ID_LABEL = "bulwark.io/job-id";
    /** Label carrying the attempt number, from 1. */
    public static final String ATTEMPT_LABEL = "bulwark.io/attempt";
    /** The name of the Job's one container. */
    public static final String CONTAINER = "main";
    /** How often the Job's status is read unless told otherwise. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(2);
    /** The most of the log a result keeps (its tail). */
    public static final int MAX_LOG_BYTES = 64 * 1024;

    private final Supplier<KubernetesClient> clients;
    private final Duration pollInterval;

    /**
     * A handler that asks {@code clients} for the client on every attempt (so it may make it
     * lazily) and reads the Job's status every {@code pollInterval}.
     */
    public KubernetesJobHandler(Supplier<KubernetesClient> clients, Duration pollInterval) {
        this.clients = Objects.requireNonNull(clients, "clients");
        if (pollInterval == null || pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("pollInterval must be > 0 but was " + pollInterval);
        }
        this.pollInterval = pollInterval;
    }

    /** A handler over {@code client}, polling every {@link #DEFAULT_POLL_INTERVAL}. */
    public static KubernetesJobHandler of(KubernetesClient client) {
        Objects.requireNonNull(client, "client");
        return new KubernetesJobHandler(() -> client, DEFAULT_POLL_INTERVAL);
    }

    /**
     * The Kubernetes Job name of attempt {@code attempt} of Bulwark job {@code id}:
     * {@code bulwark-<id's 32 hex digits>-a<attempt>}, a DNS-1123 label of at most 52 characters.
     * The whole id is kept (it fits), so names never collide and {@code kubectl get jobs} shows whose
     * Job it is.
     */
    public static String jobName(UUID id, int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be >= 1 but was " + attempt);
        }
        return "bulwark-" + id.toString().replace("-", "") + "-a" + attempt;
    }

    @Override
    public KubernetesJobResult handle(JobContext<KubernetesJobSpec> ctx) throws Exception {
        KubernetesJobSpec spec = ctx.payload();
        List<String> problems = spec == null ? List.of("image: is required") : spec.validate();
        if (!problems.isEmpty()) {
            throw JobFailure.permanent("kubernetes job payload is invalid: " + String.join("; ", problems));
        }
        KubernetesClient client = connect();
        String namespace = spec.namespace() != null ? spec.namespace()
                : Objects.requireNonNullElse(client.getNamespace(), "default");
        Duration deadline = spec.activeDeadlineDuration().orElse(positiveOrNull(ctx.job().timeout()));
        Job manifest = JobManifest.build(spec, namespace, ctx.id(), ctx.attempt(), deadline);
        return new JobAttempt(client, namespace, manifest.getMetadata().getName(), ctx, pollInterval).run(manifest);
    }

    private KubernetesClient connect() throws IOException {
        try {
            return Objects.requireNonNull(clients.get(), "the Kubernetes client supplier returned null");
        } catch (RuntimeException e) {
            throw new IOException(ApiFailures.noCluster(ApiFailures.describe(e)), e);
        }
    }

    /** The Bulwark timeout as the default deadline, so the cluster stops a Job whose worker died. */
    private static Duration positiveOrNull(Duration timeout) {
        return timeout == null || timeout.isNegative() || timeout.isZero() ? null : timeout;
    }
}
