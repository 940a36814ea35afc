package io.bulwark.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Kubernetes target: what the manifests say, and that the strict check (fabric8's typed model,
 * unknown fields and wrong scalar types refused, references resolved) passes them and catches the
 * typical mistakes.
 */
class KubernetesManifestsTest {


    @TempDir
    Path dir;

    private static DeploySettings prod() {
        return Fixtures.prod();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.bulwark.deploy.Fixtures#all")
    void everyFixturesManifestsPassTheSchemasAndTheStrictCheck(DeploySettings s) throws Exception {
        Artifacts.write(dir, Artifacts.generate(s, EnumSet.of(Target.KUBERNETES)));

        List<CheckResult> results = Validation.validate(dir);

        assertThat(results).filteredOn(r -> r.check().startsWith("kube")).isNotEmpty()
                .allSatisfy(r -> assertThat(r.status()).as(r.check() + ": " + r.detail()).isEqualTo(CheckResult.Status.PASSED));
        assertThat(results).filteredOn(r -> r.check().equals("kubernetes manifests")).singleElement()
                .satisfies(r -> assertThat(r.detail()).as("every object has a schema")
                        .contains("against the Kubernetes v1.35.0 JSON schemas (strict)").doesNotContain("no schema for"));
        assertThat(Validation.passed(results)).as("%s", results).isTrue();
        if (s.workload().workers() == 0) {
            assertThat(dir.resolve("kubernetes/worker.yaml")).as("no workers: the API nodes run jobs").doesNotExist();
        } else {
            assertThat(dir.resolve("kubernetes/keda/worker-scaledobject.yaml")).exists();
            assertThat(results).filteredOn(r -> r.check().equals("keda ScaledObject")).singleElement()
                    .satisfies(r -> assertThat(r.status()).isEqualTo(CheckResult.Status.PASSED));
        }
    }

    @Test
    void theBulwarkScaledObjectReadsTheAutoscalersDesiredReplicasWithAViewerKey() throws Exception {
        Artifacts.write(dir, Artifacts.generate(prod(), EnumSet.of(Target.KUBERNETES)));
        List<JsonNode> keda = docs(dir.resolve("kubernetes/keda-bulwark/worker-scaledobject.yaml"));
        assertThat(keda).extracting(d -> d.path("kind").asText()).containsExactly("ScaledObject", "TriggerAuthentication");
        JsonNode trigger = keda.get(0).path("spec").path("triggers").get(0);
        assertThat(trigger.path("type").asText()).isEqualTo("metrics-api");
        assertThat(trigger.path("metadata").path("url").asText()).isEqualTo("http://shop/api/v1/scaling/metric");
        assertThat(trigger.path("metadata").path("valueLocation").asText()).isEqualTo("desiredReplicas");
        assertThat(trigger.path("metadata").path("targetValue").asText()).as("AverageValue of 1: replicas = the value").isEqualTo("1");
        assertThat(trigger.path("authenticationRef").path("name").asText()).isEqualTo(keda.get(1).path("metadata").path("name").asText());
        assertThat(keda.get(1).path("spec").path("secretTargetRef").get(0).path("key").asText()).isEqualTo("BULWARK_KEDA_VIEWER_KEY");
        assertThat(keda.get(0).path("spec").path("scaleTargetRef").path("name").asText()).isEqualTo("shop-worker");
        assertThat(Validation.validate(dir)).filteredOn(r -> r.check().equals("keda ScaledObject"))
                .singleElement().satisfies(r -> assertThat(r.status()).isEqualTo(CheckResult.Status.PASSED));

        Path file = dir.resolve("kubernetes/keda-bulwark/worker-scaledobject.yaml");
        String text = Files.readString(file);
        int auth = text.indexOf("name: shop-keda", text.indexOf("kind: TriggerAuthentication"));
        Files.writeString(file, text.substring(0, auth) + "name: other" + text.substring(auth + "name: shop-keda".length()));
        assertThat(Validation.validate(dir)).filteredOn(r -> r.check().equals("keda ScaledObject")).singleElement()
                .satisfies(r -> assertThat(r.detail()).contains("authenticationRef [shop-keda] is not a TriggerAuthentication"));
    }

    @Test
    void theApiDeploymentCarriesProbesDrainSecretsAndTheRecommendedLabels() throws Exception {
        Artifacts.write(dir, Artifacts.generate(prod(), EnumSet.of(Target.KUBERNETES)));
        List<JsonNode> api = docs(dir.resolve("kubernetes/api.yaml"));
        JsonNode deployment = api.get(0);
        assertThat(deployment.path("kind").asText()).isEqualTo("Deployment");
        assertThat(deployment.path("spec").path("replicas").asInt()).isEqualTo(3);
        JsonNode pod = deployment.path("spec").path("template").path("spec");
        assertThat(pod.path("terminationGracePeriodSeconds").asInt()).as("drain 7 + grace 45 + 10").isEqualTo(62);
        JsonNode c = pod.path("containers").get(0);
        assertThat(c.path("args")).extracting(JsonNode::asText).containsSubsequence("serve", "--port", "9090")
                .contains("--node.role=api");
        assertThat(c.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/health/ready");
        assertThat(c.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/health/live");
        assertThat(c.path("lifecycle").path("preStop").path("sleep").path("seconds").asInt()).isEqualTo(7);
        assertThat(c.path("securityContext").path("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(c.path("env")).extracting(e -> e.path("name").asText())
                .contains("BULWARK_AUTH_ADMIN_KEY", "BULWARK_STORE_URL", "BULWARK_STORE_PASSWORD");
        assertThat(c.path("env").toString()).doesNotContain("\"value\":\"jdbc");
        assertThat(deployment.path("metadata").path("labels").path("app.kubernetes.io/version").asText()).isEqualTo("1.4.2");
        assertThat(api).extracting(d -> d.path("kind").asText())
                .containsExactly("Deployment", "Service", "PodDisruptionBudget", "HorizontalPodAutoscaler");

        JsonNode worker = docs(dir.resolve("kubernetes/worker.yaml")).get(0);
        assertThat(worker.path("spec").path("template").path("spec").path("containers").get(0).path("args"))
                .extracting(JsonNode::asText).containsSubsequence("worker", "--queues", "mail,etl");
        JsonNode hpa = docs(dir.resolve("kubernetes/worker-hpa.yaml")).get(0);
        assertThat(hpa.path("spec").path("metrics")).extracting(m -> m.path("type").asText())
                .containsExactly("Resource", "External");
        String config = docs(dir.resolve("kubernetes/configmap.yaml")).get(0).path("data").path("bulwark.yaml").asText();
        assertThat(config).contains("jobs.queues.mail.concurrency: \"8\"").contains("server.shutdown.grace: 45s")
                .contains("server.shutdown.drainDelay: 0s");
        assertThat(dir.resolve("kubernetes/README.md")).content().contains("kubectl create secret generic shop-secrets")
                .contains("--from-literal=BULWARK_STORE_URL=...");
    }

    @Test
    void aMisspeltFieldIsCaughtWithItsPath() throws Exception {
        Artifacts.write(dir, Artifacts.generate(prod(), EnumSet.of(Target.KUBERNETES)));
        edit("kubernetes/api.yaml", "readinessProbe:", "readinesProbe:");

        assertThat(kubernetes()).satisfies(r -> {
            assertThat(r.status()).isEqualTo(CheckResult.Status.FAILED);
            assertThat(r.detail()).contains("Deployment 'shop-api'").contains("readinesProbe");
        });
    }

    @Test
    void aNumberWhereKubernetesWantsTextIsCaught() throws Exception {
        Artifacts.write(dir, Artifacts.generate(prod(), EnumSet.of(Target.KUBERNETES)));
        edit("kubernetes/api.yaml", "prometheus.io/port: \"9090\"", "prometheus.io/port: 9090");

        assertThat(kubernetes()).satisfies(r -> {
            assertThat(r.status()).isEqualTo(CheckResult.Status.FAILED);
            assertThat(r.detail()).contains("annotations.prometheus.io/port").contains("Integer");
        });
    }

    @Test
    void aServiceWhoseSelectorMatchesNoPodsIsCaught() throws Exception {
        Artifacts.write(dir, Artifacts.generate(prod(), EnumSet.of(Target.KUBERNETES)));
        Path api = dir.resolve("kubernetes/api.yaml");
        String text = Files.readString(api);
        int service = text.indexOf("selector:", text.indexOf("kind: Service"));
        Files.writeString(api, text.substring(0, service) + text.substring(service)
                .replaceFirst("app.kubernetes.io/component: api", "app.kubernetes.io/component: apj"));

        assertThat(kubernetes()).satisfies(r -> {
            assertThat(r.status()).isEqualTo(CheckResult.Status.FAILED);
            assertThat(r.detail()).contains("Service 'shop': its selector matches no Deployment's pods");
        });
    }

    @Test
    void aMisspeltFieldFailsTheKubernetesSchemaWithItsPath() throws Exception {
        Artifacts.write(dir, Artifacts.generate(prod(), EnumSet.of(Target.KUBERNETES)));
        edit("kubernetes/api.yaml", "  replicas: 3", "  replica: 3");

        assertThat(kubernetes()).satisfies(r -> {
            assertThat(r.status()).isEqualTo(CheckResult.Status.FAILED);
            assertThat(r.detail()).contains("kubernetes/api.yaml Deployment 'shop-api' at spec.replica: ")
                    .contains("is not defined in the schema").contains("(schema)");
        });
    }

    @Test
    void aWrongTypeFailsTheKubernetesSchemaWithItsPath() throws Exception {
        Artifacts.write(dir, Artifacts.generate(prod(), EnumSet.of(Target.KUBERNETES)));
        edit("kubernetes/api.yaml", "  replicas: 3", "  replicas: \"two\"");

        assertThat(kubernetes()).satisfies(r -> {
            assertThat(r.status()).isEqualTo(CheckResult.Status.FAILED);
            assertThat(r.detail()).contains("Deployment 'shop-api' at spec.replicas: string found, integer expected (schema)");
        });
    }

    @Test
    void aMissingRequiredFieldFailsTheSchemaThoughFabric8ReadsIt() throws Exception {
        Artifacts.write(dir, Artifacts.generate(prod(), EnumSet.of(Target.KUBERNETES)));
        edit("kubernetes/api.yaml", "  maxReplicas: 9\n", "");

        assertThat(kubernetes()).satisfies(r -> {
            assertThat(r.status()).isEqualTo(CheckResult.Status.FAILED);
            assertThat(r.detail().lines()).as("only the schema sees it").singleElement().asString()
                    .contains("HorizontalPodAutoscaler 'shop-api' at spec: ").contains("maxReplicas").contains("(schema)");
        });
    }

    @Test
    void thePassingCheckSaysWhatTheSchemasCoveredAndWhatHadNone() throws Exception {
        Artifacts.write(dir, Artifacts.generate(prod(), EnumSet.of(Target.KUBERNETES, Target.ISTIO)));

        assertThat(kubernetes()).satisfies(r -> {
            assertThat(r.status()).as(r.detail()).isEqualTo(CheckResult.Status.PASSED);
            assertThat(r.detail()).contains("14 against the Kubernetes v1.35.0 JSON schemas (strict); no schema for "
                    + "DestinationRule, Gateway, VirtualService: strict parse only");
        });
    }

    private CheckResult kubernetes() throws Exception {
        return GeneratedDir.kubernetesCheck(dir);
    }

    private void edit(String file, String from, String to) throws Exception {
        GeneratedDir.edit(dir, file, from, to);
    }

    private static List<JsonNode> docs(Path file) throws Exception {
        return GeneratedDir.docs(file);
    }
}
