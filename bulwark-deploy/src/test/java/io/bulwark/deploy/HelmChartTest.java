package io.bulwark.deploy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chart through Helm itself (helm-java bundles Helm's library): {@code helm lint --strict}
 * with its values schema, and {@code helm template} with the defaults and with every optional part
 * switched, each rendering read strictly into fabric8's model with its references resolved.
 */
class HelmChartTest {

    @TempDir
    Path dir;

    private static DeploySettings prod() {
        return Fixtures.prod();
    }

    private Path chart(DeploySettings s) throws Exception {
        Artifacts.write(dir, Artifacts.generate(s, EnumSet.of(Target.HELM)));
        return dir.resolve("helm/" + s.name());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.bulwark.deploy.Fixtures#all")
    void everyFixturesChartLintsStrictlyAndRendersValidManifests(DeploySettings s) throws Exception {
        Path chart = chart(s);

        LintResult lint = new Helm(chart).lint().strict().call();
        assertThat(lint.isFailed()).as("helm lint --strict: %s", lint.getMessages()).isFalse();

        String yaml = new Helm(chart).template().withKubeVersion("1.31.0").withName(s.name()).call();
        ManifestCheck.Result r = ManifestCheck.check("helm template", yaml);
        assertThat(r.problems()).isEmpty();
        assertThat(r.schemaChecked()).as("every object against the Kubernetes JSON schemas").isEqualTo(r.objects().size());
        assertThat(r.objects()).extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
                .contains("Deployment/" + s.name() + "-api", "Service/" + s.name(), "ConfigMap/" + s.name() + "-config");
        assertThat(r.objects()).filteredOn(o -> o.getKind().equals("Deployment")).as("a worker Deployment with workers")
                .hasSize(s.workload().workers() == 0 ? 1 : 2);
    }

    @Test
    void theDefaultRenderingIsStrictlyValidAndCarriesTheConfiguration() throws Exception {
        String yaml = new Helm(chart(prod())).template().withKubeVersion("1.31.0").withName("shop").call();

        ManifestCheck.Result r = ManifestCheck.check("helm template", yaml);

        assertThat(r.problems()).isEmpty();
        assertThat(r.schemaChecked()).as("every object against the Kubernetes JSON schemas").isEqualTo(r.objects().size());
        assertThat(r.objects()).extracting(o -> o.getKind() + "/" + o.getMetadata().getName()).contains(
                "Deployment/shop-api", "Deployment/shop-worker", "Service/shop", "ConfigMap/shop-config",
                "HorizontalPodAutoscaler/shop-api", "HorizontalPodAutoscaler/shop-worker", "PodDisruptionBudget/shop-worker",
                "NetworkPolicy/shop", "Ingress/shop", "Role/shop", "RoleBinding/shop", "ServiceAccount/shop");
        assertThat(yaml).contains("\"--queues\"").contains("\"mail,etl\"").contains("jobs.queues.mail.concurrency: \"8\"")
                .contains("terminationGracePeriodSeconds: 62").contains("key: BULWARK_STORE_URL")
                .contains("key: BULWARK_AUTH_ADMIN_KEY").contains("host: \"shop.example.com\"");
    }

    @Test
    void everyOptionalPartSwitchedStillRendersValidManifests() throws Exception {
        Path chart = chart(prod());
        String keda = new Helm(chart).template().withKubeVersion("1.31.0").withName("shop").set("autoscaling.workers.keda", true)
                .set("autoscaling.api.enabled", false).set("ingress.enabled", false).set("networkPolicy.enabled", false)
                .set("podDisruptionBudget.enabled", false).set("serviceAccount.create", false).set("rbac.create", false)
                .call();
        ManifestCheck.Result r = ManifestCheck.check("helm template (keda, parts off)", keda);
        assertThat(r.problems()).isEmpty();
        assertThat(r.schemaless()).as("KEDA's CRD: strict parse only").containsExactly("ScaledObject");
        assertThat(keda).contains("kind: ScaledObject").doesNotContain("kind: HorizontalPodAutoscaler")
                .doesNotContain("kind: Ingress").doesNotContain("kind: Role");

        String noWorkers = new Helm(chart).template().withKubeVersion("1.31.0").withName("solo").set("workers.replicas", 0).call();
        ManifestCheck.Result solo = ManifestCheck.check("helm template (no workers)", noWorkers);
        assertThat(solo.problems()).isEmpty();
        assertThat(noWorkers).doesNotContain("solo-worker").doesNotContain("--node.role=api");
    }

    @Test
    void aTemplateThatRendersAMisspeltFieldFailsTheKubernetesSchema() throws Exception {
        Path chart = chart(prod());
        Path api = chart.resolve("templates/autoscaling.yaml");
        String before = Files.readString(api);
        String after = before.replaceFirst("maxReplicas:", "maxReplica:");
        assertThat(after).as("the edit applied").isNotEqualTo(before);
        Files.writeString(api, after);

        ManifestCheck.Result r = ManifestCheck.check("helm template",
                new Helm(chart).template().withKubeVersion("1.31.0").withName("shop").call());

        assertThat(r.problems()).anySatisfy(p -> assertThat(p).contains("HorizontalPodAutoscaler 'shop-api' at spec.maxReplica: ")
                .contains("(schema)"));
        assertThat(r.problems()).anySatisfy(p -> assertThat(p).contains("required property 'maxReplicas' not found"));
    }

    @Test
    void valuesOutsideTheSchemaAreRefusedByHelm() throws Exception {
        Path chart = chart(prod());
        Files.writeString(chart.resolve("values.yaml"), Files.readString(chart.resolve("values.yaml"))
                .replace("port: 9090", "port: \"ninety\""));

        LintResult lint = new Helm(chart).lint().strict().call();

        assertThat(lint.isFailed()).isTrue();
        assertThat(String.join("\n", lint.getMessages())).contains("port");
    }
}
