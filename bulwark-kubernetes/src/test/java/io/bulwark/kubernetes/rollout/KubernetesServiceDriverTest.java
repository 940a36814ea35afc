package io.bulwark.kubernetes.rollout;

import io.bulwark.deploy.rollout.TrafficDriver;
import io.bulwark.deploy.rollout.TrafficDriver.DriverException;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The kubernetes driver's two modes against fabric8's mock API server in CRUD mode. */
@EnableKubernetesMockClient(crud = true)
class KubernetesServiceDriverTest {

    private static final String KEY = "app.kubernetes.io/version";

    KubernetesClient client;

    private void service() {
        client.services().inNamespace("shop").resource(new ServiceBuilder().withNewMetadata().withName("shop").endMetadata()
                .withNewSpec().addToSelector("app", "shop").addToSelector(KEY, "1.4.0")
                .addNewPort().withPort(80).endPort().endSpec().build()).create();
    }

    private void pod(String name, String version, boolean ready) {
        client.pods().inNamespace("shop").resource(new PodBuilder().withNewMetadata().withName(name)
                .addToLabels("app", "shop").addToLabels(KEY, version).endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage("shop:" + version).endContainer().endSpec()
                .withNewStatus().addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition().endStatus()
                .build()).create();
    }

    private void deployment(String name, int replicas) {
        client.apps().deployments().inNamespace("shop").resource(new DeploymentBuilder()
                .withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withReplicas(replicas).withNewSelector().addToMatchLabels("app", "shop").addToMatchLabels("track", name).endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "shop").addToLabels("track", name).endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage("shop:" + name).endContainer().endSpec()
                .endTemplate().endSpec().build()).create();
    }

    private int replicas(String name) {
        Deployment d = client.apps().deployments().inNamespace("shop").withName(name).get();
        return d.getSpec().getReplicas();
    }

    private String selected() {
        return client.services().inNamespace("shop").withName("shop").get().getSpec().getSelector().get(KEY);
    }

    private static Map<String, Object> selectorSettings() {
        Map<String, Object> s = new HashMap<>();
        s.put("namespace", "shop");
        s.put("service", "shop");
        s.put("selectorKey", KEY);
        s.put("stable", "1.4.0");
        s.put("canary", "1.5.0");
        return s;
    }

    private static Map<String, Object> replicaSettings() {
        Map<String, Object> s = new HashMap<>();
        s.put("namespace", "shop");
        s.put("stableDeployment", "shop-stable");
        s.put("canaryDeployment", "shop-canary");
        s.put("replicas", 10);
        return s;
    }

    @Test
    void switchesTheServiceSelectorBetweenTheVersionsAndBack() throws Exception {
        service();
        pod("shop-1-4-a", "1.4.0", true);
        pod("shop-1-5-a", "1.5.0", true);
        TrafficDriver driver = new KubernetesServiceDriver.Factory(() -> client).create(selectorSettings());
        assertThat(driver.type()).isEqualTo("kubernetes");
        assertThat(driver.splits()).isFalse();
        assertThat(driver.weight()).isZero();

        driver.setWeight(100);
        assertThat(selected()).isEqualTo("1.5.0");
        assertThat(client.services().inNamespace("shop").withName("shop").get().getSpec().getSelector())
                .containsEntry("app", "shop");
        assertThat(driver.weight()).isEqualTo(100);
        driver.setWeight(100);
        assertThat(driver.weight()).isEqualTo(100);

        driver.setWeight(0);
        assertThat(selected()).isEqualTo("1.4.0");
        assertThat(driver.weight()).isZero();

        assertThatThrownBy(() -> driver.setWeight(50)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("weight must be 0 or 100").hasMessageContaining("driver.replicas");
    }

    @Test
    void refusesToPointTheServiceAtAVersionWithNoReadyPod() throws Exception {
        service();
        pod("shop-1-4-a", "1.4.0", true);
        pod("shop-1-5-a", "1.5.0", false);
        TrafficDriver driver = KubernetesServiceDriver.of(client, selectorSettings());
        assertThatThrownBy(() -> driver.setWeight(100)).isInstanceOf(DriverException.class)
                .hasMessageContaining("Service shop/shop")
                .hasMessageContaining("no ready pod matches the selector")
                .hasMessageContaining("still selects " + KEY + "=1.4.0");
        assertThat(selected()).isEqualTo("1.4.0");
    }

    @Test
    void aMissingServiceOrAnUnknownSelectorValueIsAnErrorNamingIt() throws Exception {
        TrafficDriver driver = KubernetesServiceDriver.of(client, selectorSettings());
        assertThatThrownBy(() -> driver.setWeight(100)).isInstanceOf(DriverException.class)
                .hasMessageContaining("Service shop/shop does not exist");
        assertThatThrownBy(driver::weight).isInstanceOf(DriverException.class).hasMessageContaining("Service shop/shop does not exist");

        service();
        client.services().inNamespace("shop").withName("shop").edit(s -> new ServiceBuilder(s).editSpec()
                .addToSelector(KEY, "1.3.9").endSpec().build());
        assertThatThrownBy(driver::weight).isInstanceOf(DriverException.class)
                .hasMessageContaining("selects " + KEY + "=1.3.9, neither the stable value 1.4.0 nor the canary value 1.5.0");
    }

    @Test
    void scalesTheTwoDeploymentsToTheWeightsShareOfTheReplicas() throws Exception {
        deployment("shop-stable", 10);
        deployment("shop-canary", 0);
        TrafficDriver driver = KubernetesServiceDriver.of(client, replicaSettings());
        assertThat(driver.splits()).isTrue();
        assertThat(driver.weight()).isZero();

        int[][] expected = {{1, 1, 9}, {10, 1, 9}, {25, 3, 7}, {50, 5, 5}, {94, 9, 1}, {99, 9, 1}, {100, 10, 0}, {0, 0, 10}};
        for (int[] e : expected) {
            driver.setWeight(e[0]);
            assertThat(replicas("shop-canary")).as("canary replicas at weight %d", e[0]).isEqualTo(e[1]);
            assertThat(replicas("shop-stable")).as("stable replicas at weight %d", e[0]).isEqualTo(e[2]);
            assertThat(driver.weight()).isEqualTo(e[0]);
        }

        // Scaled by hand afterwards: the annotation no longer matches, the replica ratio answers.
        client.apps().deployments().inNamespace("shop").withName("shop-canary").scale(3);
        client.apps().deployments().inNamespace("shop").withName("shop-stable").scale(9);
        assertThat(driver.weight()).isEqualTo(25);
    }

    @Test
    void aMissingDeploymentIsAnErrorAndNothingIsScaled() {
        deployment("shop-stable", 10);
        TrafficDriver driver = KubernetesServiceDriver.of(client, replicaSettings());
        assertThatThrownBy(() -> driver.setWeight(25)).isInstanceOf(DriverException.class)
                .hasMessageContaining("Deployment shop/shop-canary does not exist");
        assertThat(replicas("shop-stable")).isEqualTo(10);
    }

    @Test
    void badSettingsAreRefusedNamingTheSetting() {
        Map<String, Object> mixed = replicaSettings();
        mixed.put("service", "shop");
        assertThatThrownBy(() -> KubernetesServiceDriver.of(client, mixed)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("driver.service belongs to the selector mode");
        Map<String, Object> noTotal = replicaSettings();
        noTotal.remove("replicas");
        assertThatThrownBy(() -> KubernetesServiceDriver.of(client, noTotal)).hasMessageContaining("driver.replicas is required");
        Map<String, Object> one = replicaSettings();
        one.put("replicas", 1);
        assertThatThrownBy(() -> KubernetesServiceDriver.of(client, one)).hasMessageContaining("driver.replicas must be from 2");
        Map<String, Object> noKey = selectorSettings();
        noKey.remove("selectorKey");
        assertThatThrownBy(() -> KubernetesServiceDriver.of(client, noKey)).hasMessageContaining("driver.selectorKey is required");
        Map<String, Object> badValue = selectorSettings();
        badValue.put("canary", "1.5.0 beta");
        assertThatThrownBy(() -> KubernetesServiceDriver.of(client, badValue)).hasMessageContaining("driver.canary must be a label value");
        Map<String, Object> same = selectorSettings();
        same.put("canary", "1.4.0");
        assertThatThrownBy(() -> KubernetesServiceDriver.of(client, same)).hasMessageContaining("driver.canary must differ");
        Map<String, Object> badNs = selectorSettings();
        badNs.put("namespace", "Shop_NS");
        assertThatThrownBy(() -> KubernetesServiceDriver.of(client, badNs)).hasMessageContaining("driver.namespace must be a Kubernetes name");
    }
}
