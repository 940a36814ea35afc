package io.bulwark.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.bulwark.deploy.internal.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Generates every target from each of the {@link Fixtures} (and production thresholds) and checks the files with the real tools: promtool
 * (config, rules, the rules' own unit tests, the dashboards' PromQL) and yamllint. Without the
 * tools the checks say SKIPPED; under BULWARK_REQUIRE_SERVICES=1 (CI) a missing tool fails.
 */
class GeneratedArtifactsTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @TempDir
    Path dir;

    static void requireTools() {
        boolean require = "1".equals(System.getenv("BULWARK_REQUIRE_SERVICES"));
        for (String tool : List.of("promtool", "yamllint")) {
            if (Tools.find(tool).isEmpty() && require) {
                throw new AssertionError(tool + " is not installed (apt-get install prometheus yamllint); "
                        + "BULWARK_REQUIRE_SERVICES=1, so this fails instead of skipping");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.bulwark.deploy.Fixtures#all")
    void everyTargetPassesEveryCheck(DeploySettings s) throws Exception {
        requireTools();
        Artifacts.write(dir, Artifacts.generate(s, EnumSet.allOf(Target.class)));

        List<CheckResult> results = Validation.validate(dir);

        assertThat(results).as("%s", results).allSatisfy(r -> assertThat(r.status())
                .as(r.check() + ": " + r.detail()).isNotEqualTo(CheckResult.Status.FAILED));
        assertThat(Validation.passed(results)).isTrue();
        List<String> mustPass = new ArrayList<>(List.of("files parse", "grafana dashboards", "runbook links",
                "kubernetes manifests", "kustomization", "kustomization (istio)", "compose file", "Dockerfile"));
        if (Tools.find("promtool").isPresent()) {
            mustPass.addAll(List.of("promtool check config", "promtool check rules", "promtool test rules",
                    "dashboard PromQL", "promtool check config (compose/prometheus)", "promtool check rules (compose/prometheus)"));
        }
        if (Tools.find("yamllint").isPresent()) {
            mustPass.add("yamllint");
        }
        if (Tools.find("kubectl").isPresent()) {
            mustPass.addAll(List.of("kubectl kustomize kubernetes", "kubectl kustomize istio"));
        }
        if (s.workload().workers() > 0) {
            mustPass.add("keda ScaledObject");
        }
        assertThat(results).filteredOn(r -> r.status() == CheckResult.Status.PASSED).extracting(CheckResult::check)
                .as("%s", results).containsAll(mustPass);
    }

    @Test
    void aProductionConfigurationWithItsOwnThresholdsPassesToo() throws Exception {
        requireTools();
        DeploySettings s = DeploySettings.builder("shop-api").port(9090)
                .scrapeTargets(List.of("10.0.0.1:9090", "10.0.0.2:9090", "worker-1.internal:9090"))
                .scrapeInterval(Duration.ofSeconds(30)).heartbeat(Duration.ofSeconds(2)).deadAfter(5)
                .queueWait(Duration.ofSeconds(15)).runbookUrl("https://runbooks.example.com/shop/").build();
        Artifacts.write(dir, Artifacts.generate(s, EnumSet.allOf(Target.class)));

        List<CheckResult> results = Validation.validate(dir);

        assertThat(Validation.passed(results)).as("%s", results).isTrue();
        JsonNode rules = YAML.readTree(dir.resolve("prometheus/rules/bulwark-alerts.yml").toFile());
        JsonNode heartbeat = find(rules, "BulwarkHeartbeatLag");
        assertThat(heartbeat.path("expr").asText()).as("twice cluster.heartbeat").endsWith("> 4")
                .contains("job=\"shop-api\"");
        assertThat(find(rules, "BulwarkQueueWaitHigh").path("expr").asText()).endsWith("> 15");
        assertThat(heartbeat.path("annotations").path("runbook_url").asText())
                .isEqualTo("https://runbooks.example.com/shop/BulwarkHeartbeatLag.md");
        JsonNode config = YAML.readTree(dir.resolve("prometheus/prometheus.yml").toFile());
        assertThat(config.path("scrape_configs").get(0).path("static_configs").get(0).path("targets"))
                .extracting(JsonNode::asText).containsExactly("10.0.0.1:9090", "10.0.0.2:9090", "worker-1.internal:9090");
        assertThat(config.path("global").path("scrape_interval").asText()).isEqualTo("30s");
    }

    @Test
    void everyAlertHasARunbookAndEveryDashboardItsDatasourceVariable() throws Exception {
        Artifacts.write(dir, Artifacts.generate(DeploySettings.builder("bulwark").build(), EnumSet.allOf(Target.class)));
        JsonNode rules = YAML.readTree(dir.resolve("prometheus/rules/bulwark-alerts.yml").toFile());
        int alerts = 0;
        for (JsonNode rule : rules.path("groups").get(0).path("rules")) {
            alerts++;
            String alert = rule.path("alert").asText();
            assertThat(dir.resolve("runbooks/" + alert + ".md")).content().contains("# " + alert)
                    .contains("## Diagnose").contains("## Remedies").contains("## Escalation");
            assertThat(rule.path("labels").path("severity").asText()).isIn("critical", "warning");
        }
        assertThat(alerts).isEqualTo(10);
        try (Stream<Path> dashboards = Files.list(dir.resolve("grafana/dashboards"))) {
            assertThat(dashboards.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(
                    "bulwark-overview.json", "bulwark-jobs.json", "bulwark-pipelines.json", "bulwark-providers.json",
                    "bulwark-traffic.json", "bulwark-fleet.json", "bulwark-jvm.json");
        }
    }

    @Test
    void aBrokenRuleFileFailsValidationWithPromtoolsWords() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Tools.find("promtool").isPresent(), "promtool is not installed");
        Artifacts.write(dir, Artifacts.generate(DeploySettings.builder("bulwark").build(), EnumSet.of(Target.PROMETHEUS,
                Target.RUNBOOKS)));
        Path rules = dir.resolve("prometheus/rules/bulwark-alerts.yml");
        String broken = Files.readString(rules).replace("expr: \"up{job=\\\"bulwark\\\"} == 0\"",
                "expr: \"up{job=\\\"bulwark\\\" == 0\"");
        assertThat(broken).as("the edit applied").isNotEqualTo(Files.readString(rules));
        Files.writeString(rules, broken);

        List<CheckResult> results = Validation.validate(dir);

        assertThat(Validation.passed(results)).isFalse();
        assertThat(results).filteredOn(r -> r.check().equals("promtool check rules")).singleElement()
                .satisfies(r -> {
                    assertThat(r.status()).isEqualTo(CheckResult.Status.FAILED);
                    assertThat(r.detail()).contains("bulwark-alerts.yml");
                });
    }

    @Test
    void theAlertUnitTestsCatchAnAlertThatWaitsLongerThanItShould() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Tools.find("promtool").isPresent(), "promtool is not installed");
        Artifacts.write(dir, Artifacts.generate(DeploySettings.builder("bulwark").build(), EnumSet.of(Target.PROMETHEUS,
                Target.RUNBOOKS)));
        Path rules = dir.resolve("prometheus/rules/bulwark-alerts.yml");
        String slower = Files.readString(rules).replaceFirst("for: 1m", "for: 10m");
        assertThat(slower).as("the edit applied").isNotEqualTo(Files.readString(rules));
        Files.writeString(rules, slower);

        List<CheckResult> results = Validation.validate(dir);

        assertThat(results).filteredOn(r -> r.check().equals("promtool test rules")).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(CheckResult.Status.FAILED);
            assertThat(r.detail()).contains("BulwarkNodeDown");
        });
    }

    @Test
    void aMissingRunbookFailsTheLinkCheck() throws Exception {
        Artifacts.write(dir, Artifacts.generate(DeploySettings.builder("bulwark").build(), EnumSet.allOf(Target.class)));
        Files.delete(dir.resolve("runbooks/BulwarkBreakerOpen.md"));

        List<CheckResult> results = Validation.validate(dir);

        assertThat(results).filteredOn(r -> r.check().equals("runbook links")).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(CheckResult.Status.FAILED);
            assertThat(r.detail()).contains("BulwarkBreakerOpen: runbooks/BulwarkBreakerOpen.md does not exist");
        });
    }

    @Test
    void aDashboardWithoutItsDatasourceVariableFails() throws Exception {
        Artifacts.write(dir, Artifacts.generate(DeploySettings.builder("bulwark").build(), EnumSet.of(Target.GRAFANA)));
        Path jvm = dir.resolve("grafana/dashboards/bulwark-jvm.json");
        Files.writeString(jvm, Files.readString(jvm).replace("\"name\" : \"datasource\"", "\"name\" : \"ds\""));

        List<CheckResult> results = Validation.validate(dir);

        assertThat(results).filteredOn(r -> r.check().equals("grafana dashboards")).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(CheckResult.Status.FAILED);
            assertThat(r.detail()).contains("bulwark-jvm.json: no 'datasource' variable");
        });
    }

    private static JsonNode find(JsonNode rules, String alert) {
        for (JsonNode r : rules.path("groups").get(0).path("rules")) {
            if (r.path("alert").asText().equals(alert)) {
                return r;
            }
        }
        throw new AssertionError("no alert " + alert);
    }
}
