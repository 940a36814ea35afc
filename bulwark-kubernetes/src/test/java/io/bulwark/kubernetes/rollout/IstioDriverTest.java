package io.bulwark.kubernetes.rollout;

import io.bulwark.deploy.rollout.TrafficDriver;
import io.bulwark.deploy.rollout.TrafficDriver.DriverException;
import io.bulwark.core.json.Json;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The istio driver against fabric8's mock API server in CRUD mode, with VirtualService and DestinationRule resources. */
@EnableKubernetesMockClient(crud = true)
class IstioDriverTest {

    private static final String HOST = "shop.shop.svc.cluster.local";

    KubernetesClient client;

    private void create(String kind, String name, String spec) throws Exception {
        GenericKubernetesResource r = new GenericKubernetesResource();
        r.setApiVersion(IstioDriver.API_VERSION);
        r.setKind(kind);
        r.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name).withNamespace("shop").build());
        r.setAdditionalProperty("spec", Json.mapper().readValue(spec, Map.class));
        client.genericKubernetesResources(kind.equals("VirtualService") ? IstioDriver.VIRTUAL_SERVICE : IstioDriver.DESTINATION_RULE)
                .inNamespace("shop").resource(r).create();
    }

    private void destinationRule(String... subsets) throws Exception {
        StringBuilder s = new StringBuilder();
        for (String name : subsets) {
            s.append(s.isEmpty() ? "" : ",").append("{\"name\":\"").append(name).append("\",\"labels\":{\"track\":\"")
                    .append(name).append("\"}}");
        }
        create("DestinationRule", "shop", "{\"host\":\"" + HOST + "\",\"subsets\":[" + s + "]}");
    }

    private void virtualService() throws Exception {
        create("VirtualService", "shop", """
                {"hosts":["shop.example.com"],"gateways":["shop"],"http":[
                  {"name":"admin","match":[{"uri":{"prefix":"/admin"}}],"route":[{"destination":{"host":"admin","port":{"number":80}}}]},
                  {"name":"primary","retries":{"attempts":3},
                   "route":[{"destination":{"host":"%s","subset":"stable","port":{"number":8080}}}]}
                ]}""".formatted(HOST));
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> http() {
        GenericKubernetesResource vs = client.genericKubernetesResources(IstioDriver.VIRTUAL_SERVICE).inNamespace("shop")
                .withName("shop").get();
        return (List<Map<String, Object>>) ((Map<String, Object>) vs.getAdditionalProperties().get("spec")).get("http");
    }

    private static Map<String, Object> settings() {
        Map<String, Object> s = new HashMap<>();
        s.put("type", "istio");
        s.put("namespace", "shop");
        s.put("virtualService", "shop");
        s.put("host", HOST);
        return s;
    }

    @Test
    void setsTheRouteWeightsOfTheTwoSubsetsAndReadsThemBack() throws Exception {
        destinationRule("stable", "canary");
        virtualService();
        TrafficDriver driver = new IstioDriver.Factory(() -> client).create(settings());
        assertThat(driver.type()).isEqualTo("istio");
        assertThat(driver.splits()).isTrue();
        assertThat(driver.weight()).isZero();

        for (int weight : new int[]{10, 25, 50, 100, 0}) {
            driver.setWeight(weight);
            Map<String, Object> primary = http().get(1);
            assertThat(primary.get("route")).isEqualTo(List.of(
                    Map.of("destination", Map.of("host", HOST, "subset", "stable", "port", Map.of("number", 8080)), "weight", 100 - weight),
                    Map.of("destination", Map.of("host", HOST, "subset", "canary", "port", Map.of("number", 8080)), "weight", weight)));
            assertThat(primary).containsEntry("name", "primary").containsEntry("retries", Map.of("attempts", 3));
            assertThat(driver.weight()).isEqualTo(weight);
        }
        // The other route is untouched.
        assertThat(http().get(0).get("route")).isEqualTo(List.of(Map.of("destination", Map.of("host", "admin", "port", Map.of("number", 80)))));
    }

    @Test
    void aNamedRouteIsTheOneDriven() throws Exception {
        destinationRule("stable", "canary");
        virtualService();
        Map<String, Object> s = settings();
        s.put("route", "admin");
        s.put("host", "admin");
        s.put("destinationRule", "shop");
        // The rule is for the shop host, not admin: refused before anything is written.
        TrafficDriver admin = IstioDriver.of(client, s);
        assertThatThrownBy(() -> admin.setWeight(10)).isInstanceOf(DriverException.class)
                .hasMessageContaining("DestinationRule shop/shop is for host " + HOST + ", not admin");

        Map<String, Object> primary = settings();
        primary.put("route", "primary");
        IstioDriver.of(client, primary).setWeight(30);
        assertThat(IstioDriver.of(client, settings()).weight()).isEqualTo(30);
    }

    @Test
    void aDestinationRuleWithoutBothSubsetsIsRefusedNamingIt() throws Exception {
        destinationRule("stable", "v2");
        virtualService();
        TrafficDriver driver = IstioDriver.of(client, settings());
        assertThatThrownBy(() -> driver.setWeight(10)).isInstanceOf(DriverException.class)
                .hasMessageContaining("DestinationRule shop/shop has the subsets [stable, v2] but the route needs stable and canary");
        assertThat(driver.weight()).isZero();
    }

    @Test
    void missingResourcesAreErrorsNamingThem() throws Exception {
        TrafficDriver driver = IstioDriver.of(client, settings());
        assertThatThrownBy(() -> driver.setWeight(10)).isInstanceOf(DriverException.class)
                .hasMessageContaining("DestinationRule shop/shop does not exist");
        destinationRule("stable", "canary");
        assertThatThrownBy(() -> driver.setWeight(10)).isInstanceOf(DriverException.class)
                .hasMessageContaining("VirtualService shop/shop does not exist");
        assertThatThrownBy(driver::weight).isInstanceOf(DriverException.class)
                .hasMessageContaining("VirtualService shop/shop does not exist");
        virtualService();
        Map<String, Object> s = settings();
        s.put("route", "checkout");
        assertThatThrownBy(() -> IstioDriver.of(client, s).setWeight(10)).isInstanceOf(DriverException.class)
                .hasMessageContaining("has no http route named checkout (its routes: [admin, primary])");
    }

    @Test
    void badSettingsAreRefusedNamingTheSetting() {
        Map<String, Object> s = settings();
        s.remove("virtualService");
        assertThatThrownBy(() -> IstioDriver.of(client, s)).hasMessageContaining("driver.virtualService is required");
        Map<String, Object> t = settings();
        t.put("canarySubset", "stable");
        assertThatThrownBy(() -> IstioDriver.of(client, t)).hasMessageContaining("driver.canarySubset must differ");
        Map<String, Object> u = settings();
        u.put("weights", 3);
        assertThatThrownBy(() -> IstioDriver.of(client, u)).hasMessageContaining("driver.weights is not a setting of the istio driver");
        assertThatThrownBy(() -> IstioDriver.of(client, settings()).setWeight(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("weight must be from 0 to 100 but was -1");
    }
}
