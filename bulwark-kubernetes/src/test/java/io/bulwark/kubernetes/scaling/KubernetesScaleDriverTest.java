package io.bulwark.kubernetes.scaling;

import io.bulwark.core.time.SettableClock;
import io.bulwark.scaling.Autoscaler;
import io.bulwark.scaling.AutoscalerPolicy;
import io.bulwark.scaling.Decision;
import io.bulwark.scaling.MetricTarget;
import io.bulwark.scaling.Observation;
import io.bulwark.scaling.ScaleDriver;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Kubernetes driver against fabric8's mock API server in CRUD mode. */
@EnableKubernetesMockClient(crud = true)
class KubernetesScaleDriverTest {

    KubernetesClient client;

    private void deployment(String name, int replicas) {
        client.apps().deployments().inNamespace("shop").resource(new DeploymentBuilder()
                .withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withReplicas(replicas).withNewSelector().addToMatchLabels("app", name).endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata()
                .withNewSpec().addNewContainer().withName("bulwark").withImage("bulwark:1").endContainer().endSpec()
                .endTemplate().endSpec().build()).create();
    }

    @Test
    void readsAndSetsTheDeploymentsReplicasThroughTheApi() throws Exception {
        deployment("shop-worker", 2);
        KubernetesScaleDriver driver = new KubernetesScaleDriver(client, "shop", "shop-worker");

        assertThat(driver.currentReplicas()).isEqualTo(2);
        assertThat(driver.scale(7)).isTrue();

        assertThat(client.apps().deployments().inNamespace("shop").withName("shop-worker").get().getSpec().getReplicas())
                .isEqualTo(7);
        assertThat(driver.currentReplicas()).isEqualTo(7);
    }

    @Test
    void anAutoscalerDecisionReachesTheDeployment() throws Exception {
        deployment("shop-worker", 3);
        KubernetesScaleDriver driver = new KubernetesScaleDriver(client, "shop", "shop-worker");
        Autoscaler scaler = new Autoscaler(AutoscalerPolicy.of(1, 20, List.of(MetricTarget.averageValue("waiting_jobs",
                100))), SettableClock.at(Instant.parse("2026-12-04T10:00:00Z")));

        int current = driver.currentReplicas();
        Decision d = scaler.decide(current, Map.of("waiting_jobs", new Observation.Total(600, current)));
        driver.scale(d.desired());

        assertThat(d.desired()).isEqualTo(6);
        assertThat(driver.currentReplicas()).isEqualTo(6);
    }

    @Test
    void scalesAStatefulSetThroughItsScaleSubresourceToo() throws Exception {
        client.apps().statefulSets().inNamespace("shop").resource(new io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder()
                .withNewMetadata().withName("shop-db-worker").endMetadata()
                .withNewSpec().withReplicas(2).withServiceName("shop-db-worker")
                .withNewSelector().addToMatchLabels("app", "shop-db-worker").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "shop-db-worker").endMetadata()
                .withNewSpec().addNewContainer().withName("bulwark").withImage("bulwark:1").endContainer().endSpec()
                .endTemplate().endSpec().build()).create();
        KubernetesScaleDriver driver = new KubernetesScaleDriver(client, "shop", "shop-db-worker",
                KubernetesScaleDriver.Kind.STATEFULSET);

        assertThat(driver.currentReplicas()).isEqualTo(2);
        assertThat(driver.scale(5)).isTrue();
        assertThat(client.apps().statefulSets().inNamespace("shop").withName("shop-db-worker").get().getSpec()
                .getReplicas()).isEqualTo(5);
        assertThat(new KubernetesScaleDriver(client, "shop", "shop-db-worker")).as("no Deployment of that name")
                .satisfies(d -> assertThatThrownBy(d::currentReplicas).hasMessageContaining("deployment shop/shop-db-worker "
                        + "does not exist"));
        assertThatThrownBy(new KubernetesScaleDriver(client, "shop", "nope", KubernetesScaleDriver.Kind.STATEFULSET)
                ::currentReplicas).hasMessageContaining("statefulset shop/nope does not exist");
    }

    @Test
    void aMissingDeploymentIsAClearError() {
        KubernetesScaleDriver driver = new KubernetesScaleDriver(client, "shop", "nope");
        assertThatThrownBy(driver::currentReplicas).isInstanceOf(ScaleDriver.ScaleException.class)
                .hasMessageContaining("shop/nope does not exist");
    }
}
