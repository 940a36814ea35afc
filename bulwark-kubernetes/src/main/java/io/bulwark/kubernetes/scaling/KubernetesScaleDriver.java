package io.bulwark.kubernetes.scaling;

import io.bulwark.scaling.ScaleDriver;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.util.Objects;

/**
 * Applies decisions through the scale subresource of a Deployment or a StatefulSet (what the HPA
 * itself patches), so Kubernetes stays the one that acts. Needs RBAC to get and patch
 * {@code deployments/scale} (or {@code statefulsets/scale}) in the namespace (the generated Role
 * grants it when the autoscaler is on).
 */
public final class KubernetesScaleDriver implements ScaleDriver {

    /** What is scaled. */
    public enum Kind {
        DEPLOYMENT("deployment"), STATEFULSET("statefulset");

        private final String id;

        Kind(String id) {
            this.id = id;
        }

        /** {@code deployment} or {@code statefulset}, as config names it. */
        public String id() {
            return id;
        }
    }

    private final KubernetesClient client;
    private final String namespace;
    private final String deployment;
    private final Kind kind;

    /** Scales the Deployment {@code deployment}. */
    public KubernetesScaleDriver(KubernetesClient client, String namespace, String deployment) {
        this(client, namespace, deployment, Kind.DEPLOYMENT);
    }

    /** Scales the workload {@code name} of {@code kind}. */
    public KubernetesScaleDriver(KubernetesClient client, String namespace, String name, Kind kind) {
        this.client = Objects.requireNonNull(client, "client must be set");
        this.namespace = Objects.requireNonNull(namespace, "namespace must be set");
        this.deployment = Objects.requireNonNull(name, "name must be set");
        this.kind = Objects.requireNonNull(kind, "kind must be set");
    }

    private io.fabric8.kubernetes.client.dsl.RollableScalableResource<?> workload() {
        return kind == Kind.STATEFULSET ? client.apps().statefulSets().inNamespace(namespace).withName(deployment)
                : client.apps().deployments().inNamespace(namespace).withName(deployment);
    }

    @Override
    public String name() {
        return "kubernetes";
    }

    @Override
    public int currentReplicas() throws ScaleException {
        try {
            // The scale subresource, as the HPA reads it: one path for both kinds.
            io.fabric8.kubernetes.api.model.autoscaling.v1.Scale scale = workload().scale();
            if (scale == null) {
                throw new ScaleException(kind.id() + " " + namespace + "/" + deployment + " does not exist");
            }
            Integer replicas = scale.getSpec() == null ? null : scale.getSpec().getReplicas();
            return replicas == null ? 1 : replicas;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                throw new ScaleException(kind.id() + " " + namespace + "/" + deployment + " does not exist", e);
            }
            throw new ScaleException("cannot read " + kind.id() + " " + namespace + "/" + deployment + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public boolean scale(int replicas) throws ScaleException {
        try {
            workload().scale(replicas);
            return true;
        } catch (KubernetesClientException e) {
            throw new ScaleException("cannot scale " + kind.id() + " " + namespace + "/" + deployment + " to " + replicas
                    + ": " + e.getMessage(), e);
        }
    }
}
