package io.bulwark.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The compose target: what the project holds, and that the check catches broken wiring. */
class ComposeProjectTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @TempDir
    Path dir;

    private static DeploySettings withWorkers() {
        return DeploySettings.builder("shop").workload(Workload.builder().image("registry.example.com/shop/bulwark:1.4.2")
                .workers(3).workerQueues(List.of("mail")).config(Map.of("profile", "prod"))
                .secretEnv(List.of("BULWARK_STORE_URL", "BULWARK_MESSAGING_CONNECTIONS_BUS_URL")).build()).build();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.bulwark.deploy.Fixtures#all")
    void everyFixturesProjectPassesEveryCheck(DeploySettings s) throws Exception {
        Artifacts.write(dir, Artifacts.generate(s, EnumSet.of(Target.COMPOSE)));

        List<CheckResult> results = Validation.validate(dir);

        assertThat(results).as("%s", results).allSatisfy(r -> assertThat(r.status())
                .as(r.check() + ": " + r.detail()).isNotEqualTo(CheckResult.Status.FAILED));
        assertThat(results).filteredOn(r -> r.check().equals("compose file")).singleElement()
                .satisfies(r -> assertThat(r.status()).isEqualTo(CheckResult.Status.PASSED));
        assertThat(results).filteredOn(r -> r.check().startsWith("promtool ")).as("the project's own Prometheus")
                .allSatisfy(r -> assertThat(r.check()).endsWith("(compose/prometheus)"));
        JsonNode services = YAML.readTree(dir.resolve("compose/docker-compose.yml").toFile()).path("services");
        assertThat(services.has("worker")).as("a worker service with workers").isEqualTo(s.workload().workers() > 0);
        if (s.workload().workers() > 0) {
            assertThat(services.path("worker").path("deploy").path("replicas").asInt()).isEqualTo(s.workload().workers());
        }
    }

    @Test
    void theProjectStartsInOrderOfHealthAndScrapesEveryNode() throws Exception {
        Artifacts.write(dir, Artifacts.generate(withWorkers(), EnumSet.of(Target.COMPOSE)));
        JsonNode compose = YAML.readTree(dir.resolve("compose/docker-compose.yml").toFile());
        JsonNode services = compose.path("services");
        assertThat(services.fieldNames()).toIterable()
                .containsExactly("postgres", "redis", "api", "worker", "prometheus", "grafana");
        assertThat(services.path("api").path("depends_on").path("postgres").path("condition").asText())
                .isEqualTo("service_healthy");
        assertThat(services.path("api").path("healthcheck").path("test")).extracting(JsonNode::asText)
                .startsWith("CMD", "bulwark", "health");
        assertThat(services.path("worker").path("deploy").path("replicas").asInt()).isEqualTo(3);
        assertThat(services.path("worker").path("command")).extracting(JsonNode::asText).containsSubsequence("--queues", "mail");
        assertThat(services.path("api").path("environment").path("BULWARK_STORE_PASSWORD").asText())
                .isEqualTo("${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in .env}");
        assertThat(services.path("api").path("environment").path("BULWARK_MESSAGING_CONNECTIONS_BUS_URL").asText())
                .startsWith("${BULWARK_MESSAGING_CONNECTIONS_BUS_URL:?");
        assertThat(dir.resolve("compose/.env.example")).content().contains("POSTGRES_PASSWORD=")
                .contains("BULWARK_ADMIN_KEY=").contains("BULWARK_MESSAGING_CONNECTIONS_BUS_URL=");
        assertThat(dir.resolve("compose/prometheus/prometheus.yml")).content().contains("api:8080")
                .contains("dns_sd_configs").contains("job_name: shop");
        assertThat(dir.resolve("compose/grafana/dashboards/shop-overview.json")).exists();

        List<CheckResult> results = Validation.validate(dir);
        assertThat(Validation.passed(results)).as("%s", results).isTrue();
        assertThat(results).filteredOn(r -> r.check().equals("compose file")).singleElement()
                .satisfies(r -> assertThat(r.status()).isEqualTo(CheckResult.Status.PASSED));
    }

    @Test
    void brokenWiringIsCaughtNamingTheService() throws Exception {
        Artifacts.write(dir, Artifacts.generate(withWorkers(), EnumSet.of(Target.COMPOSE)));
        Path file = dir.resolve("compose/docker-compose.yml");
        String text = Files.readString(file);
        int redis = text.indexOf("  redis:");
        int healthcheck = text.indexOf("    healthcheck:", redis);
        int restart = text.indexOf("    restart:", healthcheck);
        Files.writeString(file, (text.substring(0, healthcheck) + text.substring(restart))
                .replace("pgdata:/var/lib/postgresql/data", "pgdta:/var/lib/postgresql/data"));
        Files.writeString(dir.resolve("compose/.env.example"), "POSTGRES_PASSWORD=\n");

        List<String> problems = ComposeCheck.problems(file);

        assertThat(problems).contains("service api: waits for redis to be healthy, but it has no healthcheck",
                "service postgres: volume 'pgdta' is not declared under volumes",
                "variable BULWARK_ADMIN_KEY is required but not listed in .env.example");
    }
}
