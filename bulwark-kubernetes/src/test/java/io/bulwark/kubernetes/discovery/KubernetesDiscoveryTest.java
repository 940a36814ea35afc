package io.bulwark.kubernetes.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bulwark.balancer.BalancerConfig;
import io.bulwark.balancer.Endpoint;
import io.bulwark.balancer.LoadBalancer;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class KubernetesDiscoveryTest {

    static KubernetesClient client;

    private static EndpointSlice slice(String name, String service, String zone, boolean thirdReady) {
        return new EndpointSliceBuilder()
                .withNewMetadata().withName(name).withNamespace("shop")
                .addToLabels(KubernetesDiscovery.SERVICE_NAME_LABEL, service).endMetadata()
                .withAddressType("IPv4")
                .addNewPort().withName("http").withPort(8080).endPort()
                .addNewPort().withName("metrics").withPort(9090).endPort()
                .addNewEndpoint().withAddresses("10.1.0.1").withZone(zone).withNewConditions().withReady(true)
                .endConditions().withNewTargetRef().withKind("Pod").withName("users-a").endTargetRef().endEndpoint()
                .addNewEndpoint().withAddresses("10.1.0.2").withZone(zone).endEndpoint()
                .addNewEndpoint().withAddresses("10.1.0.3").withNewConditions().withReady(thirdReady).endConditions()
                .endEndpoint()
                .build();
    }

    private static KubernetesDiscovery discovery() {
        return KubernetesDiscovery.builder(client, "shop", "users").portName("http").build();
    }

    @Test
    void readyAddressesOfTheServicesSlicesBecomeEndpointsOnTheNamedPort() {
        client.discovery().v1().endpointSlices().inNamespace("shop").resource(slice("users-abc", "users", "eu-1a", false))
                .create();
        client.discovery().v1().endpointSlices().inNamespace("shop").resource(slice("orders-xyz", "orders", "eu-1a", true))
                .create();
        KubernetesDiscovery discovery = discovery();

        discovery.refresh();

        assertThat(discovery.endpoints()).extracting(e -> e.uri().toString())
                .containsExactly("http://10.1.0.1:8080", "http://10.1.0.2:8080");
        assertThat(discovery.endpoints().getFirst().zone()).isEqualTo("eu-1a");
        assertThat(discovery.endpoints().getFirst().metadata()).containsEntry("pod", "users-a");
    }

    @Test
    void aChangedSliceReachesTheBalancerOnTheNextRefresh() {
        var slices = client.discovery().v1().endpointSlices().inNamespace("shop");
        slices.resource(slice("users-1", "users", "eu-1b", false)).create();
        KubernetesDiscovery discovery = discovery();
        LoadBalancer lb = LoadBalancer.of("users", List.of(), BalancerConfig.defaults());
        discovery.subscribe(lb::update);
        discovery.refresh();

        slices.resource(slice("users-1", "users", "eu-1b", true)).update();
        discovery.refresh();

        assertThat(lb.endpoints()).extracting(Endpoint::id).containsExactly("10.1.0.1:8080", "10.1.0.2:8080",
                "10.1.0.3:8080");
    }

    @Test
    void watchRefreshesWhenASliceIsCreated() throws Exception {
        KubernetesDiscovery discovery = discovery();
        CountDownLatch found = new CountDownLatch(1);
        discovery.subscribe(list -> {
            if (!list.isEmpty()) {
                found.countDown();
            }
        });

        try (AutoCloseable watching = discovery.watch()) {
            client.discovery().v1().endpointSlices().inNamespace("shop")
                    .resource(slice("users-w", "users", "eu-1c", true)).create();
            assertThat(found.await(10, TimeUnit.SECONDS)).as("watch event within 10 s").isTrue();
        }

        assertThat(discovery.endpoints()).hasSize(3);
    }

    @Test
    void theOlderEndpointsObjectWorksToo() {
        client.endpoints().inNamespace("shop").resource(new EndpointsBuilder()
                .withNewMetadata().withName("users").withNamespace("shop").endMetadata()
                .addNewSubset().addNewAddress().withIp("10.2.0.1").endAddress().addNewAddress().withIp("10.2.0.2")
                .endAddress().addNewNotReadyAddress().withIp("10.2.0.3").endNotReadyAddress()
                .addNewPort().withName("http").withPort(80).endPort().endSubset().build()).create();
        KubernetesDiscovery discovery = KubernetesDiscovery.builder(client, "shop", "users").portName("http")
                .source(KubernetesDiscovery.Source.ENDPOINTS).build();

        discovery.refresh();

        assertThat(discovery.endpoints()).extracting(Endpoint::id).containsExactly("10.2.0.1:80", "10.2.0.2:80");
    }

    @Test
    void aMissingServiceGivesNoEndpointsAndBadNamesAreRejected() {
        KubernetesDiscovery discovery = KubernetesDiscovery.builder(client, "shop", "nothing").build();
        discovery.refresh();

        assertThat(discovery.endpoints()).isEmpty();
        assertThatThrownBy(() -> KubernetesDiscovery.builder(client, " ", "users"))
                .hasMessage("namespace must not be blank but was ' '");
        assertThatThrownBy(() -> KubernetesDiscovery.builder(client, "shop", "users").scheme("ftp"))
                .hasMessage("scheme must be http or https but was 'ftp'");
    }
}
