package io.bulwark.kubernetes.scaling;

import io.bulwark.scaling.ScaleDriver;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.util.Objects;

/**
 * Applies decisions through the scale subresource of a Deployment (what the HPA itself patches),
 * so Kubernetes stays the one that acts. Needs RBAC to get and patch {@code deployments/scale}
 * in the namespace (the generated Role grants it when the autoscaler is on).
 */
public final class KubernetesScaleDriver implements ScaleDriver {

    private final KubernetesClient client;
    private final String namespace;
    private final String deployment;

    public KubernetesScaleDriver(KubernetesClient client, String namespace, String deployment) {
        this.client = Objects.requireNonNull(client, "client must be set");
        this.namespace = Objects.requireNonNull(namespace, "namespace must be set");
        this.deployment = Objects.requireNonNull(deployment, "deployment must be set");
    }

    @Override
    public String name() {
        return "kubernetes";
    }

    @Override
    public int currentReplicas() throws ScaleException {
        try {
            Deployment d = client.apps().deployments().inNamespace(namespace).withName(deployment).get();
            if (d == null) {
                throw new ScaleException("deployment " + namespace + "/" + deployment + " does not exist");
            }
            Integer replicas = d.getSpec() == null ? null : d.getSpec().getReplicas();
            return replicas == null ? 1 : replicas;
        } catch (KubernetesClientException e) {
            throw new ScaleException("cannot read deployment " + namespace + "/" + deployment + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean scale(int replicas) throws ScaleException {
        try {
            client.apps().deployments().inNamespace(namespace).withName(deployment).scale(replicas);
            return true;
        } catch (KubernetesClientException e) {
            throw new ScaleException("cannot scale deployment " + namespace + "/" + deployment + " to " + replicas + ": "
                    + e.getMessage(), e);
        }
    }
}
