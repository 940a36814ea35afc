package io.bulwark.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code bulwark deploy generate | validate}: from the configuration to checked files, and bad input. */
class DeployCommandTest {

    @TempDir
    Path dir;

    @Test
    void generatesEveryTargetFromTheConfigurationAndValidatesIt() throws Exception {
        Path out = dir.resolve("deploy");
        CliRun gen = CliRun.run("deploy", "generate", "--target", "all", "--out", out.toString(), "--name", "shop",
                "--port", "9090", "--cluster.heartbeat=2s", "--data-dir", dir.toString());
        assertThat(gen.exit()).as(gen.err()).isZero();
        assertThat(gen.out()).contains("prometheus/rules/bulwark-alerts.yml").contains("grafana/dashboards/shop-jobs.json")
                .contains("runbooks/BulwarkNodeDown.md").contains("kubernetes/api.yaml");
        assertThat(out.resolve("prometheus/prometheus.yml")).content().contains("localhost:9090").contains("job_name: shop");
        assertThat(out.resolve("prometheus/rules/bulwark-alerts.yml")).content()
                .as("heartbeat lag at twice cluster.heartbeat").contains("bulwark_cluster_heartbeat_age_seconds{job=\\\"shop\\\"}) > 4");

        CliRun valid = CliRun.run("deploy", "validate", out.toString());
        assertThat(valid.exit()).as(valid.out() + valid.err()).isZero();
        assertThat(valid.out()).containsPattern("runbook links\\s+passed").containsPattern("grafana dashboards\\s+passed");
    }

    @Test
    void kubernetesManifestsTakeThePlainConfigIntoAConfigMapAndSecretKeysFromASecret() throws Exception {
        Path out = dir.resolve("k8s");
        CliRun gen = CliRun.run("deploy", "generate", "--target", "kubernetes", "--out", out.toString(), "--name", "shop",
                "--image", "registry.example.com/shop/bulwark:2.0.1", "--replicas", "3", "--workers", "2",
                "--worker-queues", "mail,etl", "--profile", "staging", "--auth.adminKey=an-admin-key-of-24-chars-or-more",
                "--store.url=jdbc:postgresql://db:5432/shop", "--store.password=hunter2-secret",
                "--jobs.queues.mail.concurrency=8", "--node.name=laptop", "--data-dir", dir.toString());
        assertThat(gen.exit()).as(gen.err()).isZero();
        String config = Files.readString(out.resolve("kubernetes/configmap.yaml"));
        assertThat(config).contains("jobs.queues.mail.concurrency: \"8\"").contains("profile: staging")
                .doesNotContain("node.name").doesNotContain("hunter2").doesNotContain("jdbc:").doesNotContain("an-admin-key");
        String api = Files.readString(out.resolve("kubernetes/api.yaml"));
        assertThat(api).contains("key: BULWARK_STORE_URL").contains("key: BULWARK_STORE_PASSWORD")
                .contains("key: BULWARK_AUTH_ADMIN_KEY").contains("image: registry.example.com/shop/bulwark:2.0.1")
                .doesNotContain("hunter2");
        assertThat(out.resolve("kubernetes/worker.yaml")).content().contains("mail,etl");

        CliRun valid = CliRun.run("deploy", "validate", out.toString());
        assertThat(valid.exit()).as(valid.out() + valid.err()).isZero();
        assertThat(valid.out()).containsPattern("kubernetes manifests\\s+passed");

        CliRun badImage = CliRun.run("deploy", "generate", "--target", "kubernetes", "--out", dir.resolve("x").toString(),
                "--image", "Not An Image", "--data-dir", dir.toString());
        assertThat(badImage.exit()).isEqualTo(2);
        assertThat(badImage.err()).contains("--image must be a container image reference");
    }

    @Test
    void validateExitsOneNamingTheFailedCheck() throws Exception {
        Path out = dir.resolve("deploy");
        assertThat(CliRun.run("deploy", "generate", "--target", "prometheus,runbooks", "--out", out.toString(),
                "--data-dir", dir.toString()).exit()).isZero();
        Files.delete(out.resolve("runbooks/BulwarkDeadJobs.md"));

        CliRun invalid = CliRun.run("deploy", "validate", out.toString());

        assertThat(invalid.exit()).isEqualTo(1);
        assertThat(invalid.out()).contains("runbook links failed:").contains("BulwarkDeadJobs");
    }

    @Test
    void badInputExitsTwoNamingTheOptionAndWritesNothing() throws Exception {
        Path out = dir.resolve("never");
        CliRun target = CliRun.run("deploy", "generate", "--target", "kubernetez", "--out", out.toString(),
                "--data-dir", dir.toString());
        assertThat(target.exit()).isEqualTo(2);
        assertThat(target.err()).contains("--target must be one of prometheus, grafana, runbooks, kubernetes, istio, helm, compose, docker or all, but was 'kubernetez'");

        CliRun name = CliRun.run("deploy", "generate", "--target", "all", "--out", out.toString(), "--name", "My App",
                "--data-dir", dir.toString());
        assertThat(name.exit()).isEqualTo(2);
        assertThat(name.err()).contains("--name must be a DNS label");

        CliRun interval = CliRun.run("deploy", "generate", "--target", "all", "--out", out.toString(),
                "--scrape-interval", "often", "--data-dir", dir.toString());
        assertThat(interval.exit()).isEqualTo(2);
        assertThat(interval.err()).contains("--scrape-interval must be a duration");

        Path file = Files.writeString(dir.resolve("a-file"), "x");
        CliRun notDir = CliRun.run("deploy", "generate", "--target", "all", "--out", file.toString(),
                "--data-dir", dir.toString());
        assertThat(notDir.exit()).isEqualTo(2);
        assertThat(notDir.err()).contains("--out").contains("is a file, not a directory");
        assertThat(file).hasContent("x");

        CliRun portZero = CliRun.run("deploy", "generate", "--target", "all", "--out", out.toString(), "--port", "0",
                "--data-dir", dir.toString());
        assertThat(portZero.exit()).isEqualTo(2);
        assertThat(portZero.err()).contains("server.port is 0");

        CliRun missing = CliRun.run("deploy", "validate", dir.resolve("nowhere").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("does not exist");
        assertThat(out).doesNotExist();
    }
}
