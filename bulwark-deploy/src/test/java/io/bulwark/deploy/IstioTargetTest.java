package io.bulwark.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Istio target: the route the {@code istio} rollout driver moves, timeouts and retries that
 * follow the provider settings, and the strict check (fabric8's Istio model, references between
 * routes, subsets, Services and Gateways) passing the generated objects and catching mistakes.
 */
class IstioTargetTest {


    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.bulwark.deploy.Fixtures#all")
    void everyFixturesIstioObjectsPassTheStrictCheckTogetherWithTheirKubernetesBase(DeploySettings s) throws Exception {
        Artifacts.write(dir, Artifacts.generate(s, EnumSet.of(Target.ISTIO)));
        assertThat(dir.resolve("kubernetes/api.yaml")).as("istio/ overlays kubernetes/, which comes with it").exists();

        List<CheckResult> results = Validation.validate(dir);

        assertThat(results).filteredOn(r -> List.of("kubernetes manifests", "kustomization", "kustomization (istio)")
                .contains(r.check())).hasSize(3)
                .allSatisfy(r -> assertThat(r.status()).as(r.check() + ": " + r.detail()).isEqualTo(CheckResult.Status.PASSED));
        assertThat(results).filteredOn(r -> r.check().startsWith("kubectl kustomize"))
                .allSatisfy(r -> assertThat(r.status()).as(r.check() + ": " + r.detail()).isNotEqualTo(CheckResult.Status.FAILED));
        assertThat(Validation.passed(results)).as("%s", results).isTrue();
        assertThat(results).filteredOn(r -> r.check().equals("kubernetes manifests")).singleElement()
                .satisfies(r -> assertThat(r.detail()).contains(s.workload().ingressHost() == null ? "(2 of Istio)" : "(3 of Istio)"));
        StringBuilder istio = new StringBuilder();
        // The Istio objects by themselves (the canary Deployment needs the ConfigMap of kubernetes/).
        for (String file : List.of("virtualservice.yaml", "destinationrule.yaml", "gateway.yaml")) {
            if (Files.exists(dir.resolve("istio/" + file))) {
                istio.append(Files.readString(dir.resolve("istio/" + file)));
            }
        }
        ManifestCheck.Result alone = ManifestCheck.check("istio/", istio.toString());
        assertThat(alone.problems()).isEmpty();
        assertThat(alone.objects()).extracting(HasMetadata::getKind).as("a Gateway only with --ingress-host")
                .containsExactlyElementsOf(s.workload().ingressHost() == null ? List.of("VirtualService", "DestinationRule")
                        : List.of("VirtualService", "DestinationRule", "Gateway"));
    }

    @Test
    void theRouteIsTheOneTheIstioDriverMovesBetweenTheStableAndCanarySubsets() throws Exception {
        Artifacts.write(dir, Artifacts.generate(Fixtures.prod(), EnumSet.of(Target.ISTIO)));
        JsonNode vs = doc("istio/virtualservice.yaml");
        assertThat(vs.path("apiVersion").asText()).isEqualTo("networking.istio.io/v1beta1");
        assertThat(vs.path("metadata").path("labels").path("app.kubernetes.io/instance").asText()).isEqualTo("shop");
        assertThat(vs.path("metadata").path("labels").path("app.kubernetes.io/version").asText()).isEqualTo("1.4.2");
        assertThat(vs.path("spec").path("hosts")).extracting(JsonNode::asText).containsExactly("shop", "shop.example.com");
        assertThat(vs.path("spec").path("gateways")).extracting(JsonNode::asText).containsExactly("mesh", "shop");
        JsonNode route = vs.path("spec").path("http").get(0);
        assertThat(vs.path("spec").path("http")).hasSize(1);
        assertThat(route.path("name").asText()).isEqualTo("primary");
        assertThat(route.path("route")).extracting(d -> d.path("destination").path("host").asText() + "/"
                + d.path("destination").path("subset").asText() + ":" + d.path("destination").path("port").path("number").asInt()
                + "=" + d.path("weight").asInt()).containsExactly("shop/stable:80=100", "shop/canary:80=0");

        JsonNode dr = doc("istio/destinationrule.yaml");
        assertThat(dr.path("metadata").path("name").asText()).as("the driver's default destinationRule").isEqualTo("shop");
        assertThat(dr.path("spec").path("host").asText()).isEqualTo("shop");
        assertThat(dr.path("spec").path("subsets")).extracting(x -> x.path("name").asText() + ":"
                + x.path("labels").path("bulwark.io/track").asText()).containsExactly("stable:stable", "canary:canary");

        JsonNode canary = doc("istio/api-canary.yaml");
        assertThat(canary.path("metadata").path("name").asText()).isEqualTo("shop-api-canary");
        assertThat(canary.path("spec").path("replicas").asInt()).isZero();
        assertThat(canary.path("spec").path("selector").path("matchLabels").path("bulwark.io/track").asText()).isEqualTo("canary");
        assertThat(canary.path("spec").path("template").path("metadata").path("labels").path("app.kubernetes.io/component")
                .asText()).as("selected by the Service, so a subset of its host").isEqualTo("api");

        JsonNode gateway = doc("istio/gateway.yaml");
        assertThat(gateway.path("spec").path("selector").path("istio").asText()).isEqualTo("ingressgateway");
        assertThat(gateway.path("spec").path("servers").get(0).path("hosts")).extracting(JsonNode::asText)
                .containsExactly("shop.example.com");

        JsonNode kustomization = doc("istio/kustomization.yaml");
        assertThat(kustomization.path("resources")).extracting(JsonNode::asText).containsExactly("../kubernetes",
                "virtualservice.yaml", "destinationrule.yaml", "api-canary.yaml", "gateway.yaml");
        assertThat(kustomization.path("patches").get(0).path("target").path("name").asText()).isEqualTo("shop-api");
        assertThat(kustomization.path("patches").get(0).path("patch").asText())
                .contains("path: /spec/selector/matchLabels/bulwark.io~1track").contains("value: stable");
        assertThat(kustomization.path("patches").get(1).path("patch").asText()).as("the Gateway replaces the Ingress")
                .contains("$patch: delete").contains("kind: Ingress");
        assertThat(dir.resolve("istio/README.md")).content()
                .contains("driver: {type: istio, virtualService: shop, host: shop, destinationRule: shop, route: primary}");
    }

    @Test
    void withoutProvidersTheRouteAllowsThirtySecondsATryAndEjectsOnFiveErrors() throws Exception {
        Artifacts.write(dir, Artifacts.generate(Fixtures.minimal(), EnumSet.of(Target.ISTIO)));
        JsonNode vs = doc("istio/virtualservice.yaml");
        assertThat(vs.path("spec").path("gateways")).extracting(JsonNode::asText).containsExactly("mesh");
        JsonNode route = vs.path("spec").path("http").get(0);
        assertThat(route.path("timeout").asText()).isEqualTo("90s");
        assertThat(route.path("retries").path("attempts").asInt()).as("retries.default.maxAttempts 3, less the first")
                .isEqualTo(2);
        assertThat(route.path("retries").path("perTryTimeout").asText()).isEqualTo("30s");
        assertThat(route.path("retries").path("retryOn").asText()).isEqualTo("connect-failure,refused-stream,reset");
        JsonNode policy = doc("istio/destinationrule.yaml").path("spec").path("trafficPolicy");
        JsonNode outliers = policy.path("outlierDetection");
        assertThat(outliers.path("consecutive5xxErrors").asInt()).isEqualTo(5);
        assertThat(outliers.path("consecutiveLocalOriginFailures").asInt()).isEqualTo(5);
        assertThat(outliers.path("splitExternalLocalOriginErrors").asBoolean()).isTrue();
        assertThat(outliers.path("interval").asText()).isEqualTo("5s");
        assertThat(outliers.path("baseEjectionTime").asText()).isEqualTo("30s");
        assertThat(policy.path("connectionPool").path("tcp").path("maxConnections").asInt()).as("256 a pod, 2 x 3 pods")
                .isEqualTo(1536);
        assertThat(policy.path("connectionPool").path("http").path("http2MaxRequests").asInt()).isEqualTo(1536);
        assertThat(doc("istio/kustomization.yaml").path("patches")).as("the Ingress stays").hasSize(1);
    }

    @Test
    void withProvidersTheTimeoutCoversTheLongestGatewayCallAndProviderErrorsEjectNoPod() throws Exception {
        Artifacts.write(dir, Artifacts.generate(Fixtures.gateway(), EnumSet.of(Target.ISTIO)));
        JsonNode route = doc("istio/virtualservice.yaml").path("spec").path("http").get(0);
        assertThat(route.path("retries").path("perTryTimeout").asText()).as("group llm: 120 s + 65 s + 15 s queue")
                .isEqualTo("200s");
        assertThat(route.path("retries").path("attempts").asInt()).as("maxAttempts 4, capped at 2 retries").isEqualTo(2);
        assertThat(route.path("timeout").asText()).isEqualTo("600s");
        JsonNode policy = doc("istio/destinationrule.yaml").path("spec").path("trafficPolicy");
        assertThat(policy.path("outlierDetection").has("consecutive5xxErrors")).as("written as 0, or Istio's default 5 applies")
                .isTrue();
        assertThat(policy.path("outlierDetection").path("consecutive5xxErrors").asInt()).isZero();
        assertThat(policy.path("connectionPool").path("tcp").path("maxConnections").asInt())
                .as("(256 + 64 + 32 + 16) a pod, 4 x 3 pods").isEqualTo(368 * 12);
        assertThat(doc("istio/api-canary.yaml").path("spec").path("template").path("spec").path("containers").get(0)
                .path("args")).extracting(JsonNode::asText).contains("--node.role=api");
    }

    @Test
    void theMeshDerivationRoundsUpHonoursMaxDurationAndTurnsRetriesOff() throws Exception {
        Mesh bounded = Mesh.derive(List.of(new Mesh.Provider("g", Duration.ofMillis(40_500), 10, Duration.ofSeconds(5),
                Duration.ofSeconds(60), 1)), Map.of("g", Duration.ZERO), 1);
        assertThat(bounded.perTryTimeout()).as("maxDuration 60 s + one attempt of 40.5 s, rounded up")
                .isEqualTo(Duration.ofSeconds(101));
        assertThat(bounded.retries()).isZero();
        assertThat(bounded.timeout()).isEqualTo(Duration.ofSeconds(101));
        assertThatThrownBy(() -> Mesh.derive(List.of(), Map.of(), 0))
                .hasMessage("retries.default.maxAttempts must be >= 1 but was 0");
        assertThatThrownBy(() -> new Mesh(Duration.ofMillis(1500), 1, 5, 10))
                .hasMessage("perTryTimeout must be whole seconds, at least 1s, but was PT1.5S");

        Artifacts.write(dir, Artifacts.generate(DeploySettings.builder("solo").mesh(bounded).build(), EnumSet.of(Target.ISTIO)));
        JsonNode route = doc("istio/virtualservice.yaml").path("spec").path("http").get(0);
        assertThat(route.path("retries").path("attempts").asInt()).as("Istio's default would retry twice").isZero();
        assertThat(route.path("retries").has("retryOn")).isFalse();
        assertThat(Validation.passed(Validation.validate(dir))).isTrue();
    }

    @Test
    void aMisspeltIstioFieldIsCaughtWithItsPath() throws Exception {
        Artifacts.write(dir, Artifacts.generate(Fixtures.prod(), EnumSet.of(Target.ISTIO)));
        edit("istio/virtualservice.yaml", "perTryTimeout:", "perTryTimout:");

        assertThat(kubernetes()).satisfies(r -> {
            assertThat(r.status()).isEqualTo(CheckResult.Status.FAILED);
            assertThat(r.detail()).contains("istio/virtualservice.yaml VirtualService 'shop'").contains("perTryTimout");
        });
    }

    @Test
    void aRouteToASubsetNoDestinationRuleDefinesIsCaught() throws Exception {
        Artifacts.write(dir, Artifacts.generate(Fixtures.prod(), EnumSet.of(Target.ISTIO)));
        edit("istio/destinationrule.yaml", "name: canary", "name: preview");

        assertThat(kubernetes()).satisfies(r -> {
            assertThat(r.status()).isEqualTo(CheckResult.Status.FAILED);
            assertThat(r.detail()).contains("VirtualService 'shop' route 'primary': subset 'canary' of host 'shop' is not in "
                    + "a DestinationRule");
        });
    }

    @Test
    void weightsThatDoNotAddUpAndAMissingGatewayAreCaught() throws Exception {
        Artifacts.write(dir, Artifacts.generate(Fixtures.prod(), EnumSet.of(Target.ISTIO)));
        edit("istio/virtualservice.yaml", "weight: 0", "weight: 10");
        Files.delete(dir.resolve("istio/gateway.yaml"));

        List<CheckResult> results = Validation.validate(dir);

        assertThat(results).filteredOn(r -> r.check().equals("kubernetes manifests")).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(CheckResult.Status.FAILED);
            assertThat(r.detail()).contains("route 'primary': the weights add up to 110, not 100")
                    .contains("VirtualService 'shop': gateway 'shop' is not a Gateway here");
        });
        assertThat(results).filteredOn(r -> r.check().equals("kustomization (istio)")).singleElement()
                .satisfies(r -> assertThat(r.detail()).contains("resources missing: [gateway.yaml]"));
    }

    @Test
    void theOverlayBuildsWithKustomizeWithTheStableTrackAndWithoutTheIngress() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(io.bulwark.deploy.internal.Tools.find("kubectl").isPresent(),
                "kubectl is not installed");
        Artifacts.write(dir, Artifacts.generate(Fixtures.prod(), EnumSet.of(Target.ISTIO)));

        assertThat(Validation.validate(dir)).filteredOn(r -> r.check().equals("kubectl kustomize istio")).singleElement()
                .satisfies(r -> assertThat(r.status()).as(r.detail()).isEqualTo(CheckResult.Status.PASSED));
        var built = io.bulwark.deploy.internal.Tools.run(dir, List.of(io.bulwark.deploy.internal.Tools.find("kubectl")
                .orElseThrow().toString(), "kustomize", dir.resolve("istio").toString()));
        assertThat(built.output()).doesNotContain("kind: Ingress").contains("kind: VirtualService");
        assertThat(built.output().split("bulwark.io/track: stable", -1)).as("selector and pod labels of shop-api").hasSize(3 + 1);

        edit("istio/kustomization.yaml", "- virtualservice.yaml", "- virtualservices.yaml");
        assertThat(Validation.validate(dir)).filteredOn(r -> r.check().equals("kubectl kustomize istio")).singleElement()
                .satisfies(r -> {
                    assertThat(r.status()).isEqualTo(CheckResult.Status.FAILED);
                    assertThat(r.detail()).as("kustomize's words").contains("virtualservices.yaml");
                });
    }

    private CheckResult kubernetes() throws Exception {
        return GeneratedDir.kubernetesCheck(dir);
    }

    private void edit(String file, String from, String to) throws Exception {
        GeneratedDir.edit(dir, file, from, to);
    }

    private JsonNode doc(String file) throws Exception {
        List<JsonNode> docs = GeneratedDir.docs(dir.resolve(file));
        assertThat(docs).as(file).hasSize(1);
        return docs.getFirst();
    }
}
