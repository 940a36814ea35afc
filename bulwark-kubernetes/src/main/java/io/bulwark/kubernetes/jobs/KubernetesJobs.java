package io.bulwark.kubernetes.jobs;

import io.bulwark.jobs.Handlers;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Registers the {@value #TYPE} job type. The client is made on the first such job, not at
 * start-up, so a process with no cluster in reach starts fine and only these jobs fail, each with
 * one sentence: {@code no Kubernetes cluster reachable: <cause> (set up ~/.kube/config or run in
 * a pod with a service account)}.
 *
 * <pre>{@code
 * KubernetesJobs.register(handlers, () -> new KubernetesClientBuilder().build());
 * jobs.enqueue(JobRequest.builder("batch", KubernetesJobs.TYPE)
 *         .payload("{\"image\": \"busybox:1.36\", \"command\": [\"date\"]}").build());
 * }</pre>
 */
public final class KubernetesJobs {

    /** The job type. */
    public static final String TYPE = "builtin.kubernetes-job";

    private KubernetesJobs() {
    }

    /**
     * Registers the handler under {@link #TYPE}, polling every
     * {@link KubernetesJobHandler#DEFAULT_POLL_INTERVAL}; {@code client} is called on first use and
     * its client kept for the life of the process (a failing call is tried again by the next job).
     */
    public static void register(Handlers handlers, Supplier<KubernetesClient> client) {
        register(handlers, client, KubernetesJobHandler.DEFAULT_POLL_INTERVAL);
    }

    /** As {@link #register(Handlers, Supplier)}, reading each Job's status every {@code pollInterval}. */
    public static void register(Handlers handlers, Supplier<KubernetesClient> client, Duration pollInterval) {
        Objects.requireNonNull(handlers, "handlers");
        handlers.register(TYPE, KubernetesJobSpec.class, new KubernetesJobHandler(new LazyClient(client), pollInterval));
    }
}
