package io.bulwark.kubernetes.jobs;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/** The pods of one Kubernetes Job: the newest, the state of its {@code main} container, the tail of its log. */
final class JobPods {

    private static final System.Logger LOG = System.getLogger(KubernetesJobHandler.class.getName());
    /** The label the Job controller puts on its pods (still set since 1.27, next to batch.kubernetes.io/job-name). */
    static final String JOB_NAME_LABEL = "job-name";
    /** Lines of the log asked for; the last {@link KubernetesJobHandler#MAX_LOG_BYTES} of them are kept. */
    static final int LOG_LINES = 2000;

    private final KubernetesClient client;
    private final String namespace;
    private final String jobName;

    JobPods(KubernetesClient client, String namespace, String jobName) {
        this.client = client;
        this.namespace = namespace;
        this.jobName = jobName;
    }

    /**
     * The newest pod of the Job with uid {@code jobUid} (with backoffLimit 0 there is normally one),
     * or null. Pods owned by an earlier Job of the same name (deleted, its pods not yet) are skipped.
     */
    Pod newest(String jobUid) {
        return client.pods().inNamespace(namespace).withLabel(JOB_NAME_LABEL, jobName).list().getItems().stream()
                .filter(p -> ownedBy(p, jobUid))
                .max(Comparator.comparing(p -> Objects.requireNonNullElse(p.getMetadata().getCreationTimestamp(), "")))
                .orElse(null);
    }

    private static boolean ownedBy(Pod pod, String jobUid) {
        List<OwnerReference> owners = pod.getMetadata().getOwnerReferences();
        return jobUid == null || owners == null || owners.isEmpty()
                || owners.stream().anyMatch(o -> jobUid.equals(o.getUid()));
    }

    /** The status of the pod's {@code main} container, or null when it has none yet. */
    static ContainerStatus main(Pod pod) {
        if (pod == null || pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
            return null;
        }
        return pod.getStatus().getContainerStatuses().stream()
                .filter(c -> KubernetesJobHandler.CONTAINER.equals(c.getName())).findFirst().orElse(null);
    }

    /** The container's state in words, or null: "container main exited with 1 (Error)", "container main is waiting: ...". */
    static String describe(ContainerStatus main) {
        var state = main == null ? null : main.getState();
        if (state == null) {
            return null;
        }
        if (state.getTerminated() != null) {
            var t = state.getTerminated();
            return "container " + main.getName() + " exited with " + t.getExitCode()
                    + (t.getReason() == null ? "" : " (" + t.getReason() + ")");
        }
        if (state.getWaiting() != null && state.getWaiting().getReason() != null) {
            var w = state.getWaiting();
            return "container " + main.getName() + " is waiting: " + w.getReason()
                    + (w.getMessage() == null ? "" : ": " + w.getMessage());
        }
        return null;
    }

    /**
     * The tail of the {@code main} container's log of the Job's newest pod; null when it cannot be
     * read, which never fails the job. Runs with the interrupt flag cleared (and set again after),
     * so a job that succeeded as it was stopped still reports its log.
     */
    String logTail(String jobUid) {
        boolean interrupted = Thread.interrupted();
        try {
            Pod pod = newest(jobUid);
            if (pod == null) {
                return null;
            }
            try (InputStream in = client.pods().inNamespace(namespace).withName(pod.getMetadata().getName())
                    .inContainer(KubernetesJobHandler.CONTAINER).withReadyWaitTimeout(0).tailingLines(LOG_LINES)
                    .getLogInputStream()) {
                return in == null ? null : LogTail.of(in, KubernetesJobHandler.MAX_LOG_BYTES);
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "Could not read the log of kubernetes job {0}/{1}; its result has none: {2}",
                    namespace, jobName, ApiFailures.describe(e));
            return null;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
