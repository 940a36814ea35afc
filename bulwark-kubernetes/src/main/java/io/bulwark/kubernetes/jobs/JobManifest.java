package io.bulwark.kubernetes.jobs;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Builds the Kubernetes Job one attempt of a Bulwark job runs as. */
final class JobManifest {

    private JobManifest() {
    }

    /**
     * The Job for attempt {@code attempt} of Bulwark job {@code id}.
     *
     * @param spec a spec that passed {@link KubernetesJobSpec#validate()}
     * @param deadline the activeDeadline to set, or null for none
     */
    static Job build(KubernetesJobSpec spec, String namespace, UUID id, int attempt, Duration deadline) {
        Map<String, String> labels = labels(spec, id, attempt);
        ContainerBuilder container = new ContainerBuilder().withName(KubernetesJobHandler.CONTAINER)
                .withImage(spec.image());
        if (!spec.command().isEmpty()) {
            container.withCommand(spec.command());
        }
        if (!spec.args().isEmpty()) {
            container.withArgs(spec.args());
        }
        List<EnvVar> env = spec.env().entrySet().stream().map(e -> new EnvVar(e.getKey(), e.getValue(), null)).toList();
        if (!env.isEmpty()) {
            container.withEnv(env);
        }
        if (spec.resources() != null && (spec.resources().cpu() != null || spec.resources().memory() != null)) {
            Map<String, Quantity> amounts = new LinkedHashMap<>();
            if (spec.resources().cpu() != null) {
                amounts.put("cpu", Quantity.parse(spec.resources().cpu()));
            }
            if (spec.resources().memory() != null) {
                amounts.put("memory", Quantity.parse(spec.resources().memory()));
            }
            container.withResources(new ResourceRequirementsBuilder().withRequests(amounts).withLimits(amounts).build());
        }
        return new JobBuilder()
                .withNewMetadata().withName(KubernetesJobHandler.jobName(id, attempt)).withNamespace(namespace)
                .withLabels(labels).endMetadata()
                .withNewSpec()
                .withBackoffLimit(0)
                .withTtlSecondsAfterFinished(Math.toIntExact(ceilSeconds(spec.ttlAfterFinishedDuration())))
                .withActiveDeadlineSeconds(deadline == null ? null : ceilSeconds(deadline))
                .withNewTemplate()
                .withNewMetadata().withLabels(labels).endMetadata()
                .withNewSpec()
                .withRestartPolicy("Never")
                .withServiceAccountName(spec.serviceAccount())
                .withContainers(container.build())
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    /** Bulwark's labels after the user's, so the user's cannot hide them (validate() refuses them anyway). */
    static Map<String, String> labels(KubernetesJobSpec spec, UUID id, int attempt) {
        Map<String, String> labels = new LinkedHashMap<>(spec.labels());
        labels.put(KubernetesJobHandler.MANAGED_BY_LABEL, "bulwark");
        labels.put(KubernetesJobHandler.JOB_ID_LABEL, id.toString());
        labels.put(KubernetesJobHandler.ATTEMPT_LABEL, Integer.toString(attempt));
        return labels;
    }

    /** Whole seconds, rounded up, so a deadline of 1500ms is not cut to 1s. */
    static long ceilSeconds(Duration d) {
        long s = d.toSeconds();
        return d.minusSeconds(s).isZero() ? s : s + 1;
    }
}
