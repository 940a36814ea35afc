package io.bulwark.cli.deploy;

import io.bulwark.cli.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code bulwark deploy generate --target istio}: timeouts and retries from the provider settings, then validated. */
class DeployIstioCommandTest {

    @TempDir
    Path dir;

    @Test
    void theRouteTimeoutCoversTheLongestGatewayCallTheProviderSettingsAllow() throws Exception {
        Path out = dir.resolve("mesh");
        // llm: openai 2 attempts of 20 s + 1 s capacity wait, 30 s Retry-After between (42 + 30 = 72 s);
        // anthropic 3 x 30 s + 2 x 30 s = 150 s; queue 10 s: 232 s a try. 3 attempts by default: 2 retries.
        CliRun gen = CliRun.run("deploy", "generate", "--target", "istio", "--out", out.toString(), "--name", "shop",
                "--ingress-host", "shop.example.com", "--data-dir", dir.toString(),
                "--providers.openai.group=llm", "--providers.openai.baseUrl=https://api.openai.com",
                "--providers.openai.timeout=20s", "--providers.openai.maxWait=1s", "--providers.openai.retry=fast",
                "--retries.fast.maxAttempts=2",
                "--providers.anthropic.group=llm", "--providers.anthropic.baseUrl=https://api.anthropic.com",
                "--providerGroups.llm.queue.maxWait=10s");
        assertThat(gen.exit()).as(gen.err()).isZero();
        assertThat(gen.out()).contains("istio/virtualservice.yaml").contains("kubernetes/api.yaml");
        String vs = Files.readString(out.resolve("istio/virtualservice.yaml"));
        assertThat(vs).contains("perTryTimeout: 232s").contains("timeout: 696s").contains("attempts: 2")
                .contains("- shop.example.com");
        assertThat(out.resolve("istio/destinationrule.yaml")).content().contains("consecutive5xxErrors: 0");

        CliRun valid = CliRun.run("deploy", "validate", out.toString());
        assertThat(valid.exit()).as(valid.out() + valid.err()).isZero();
        assertThat(valid.out()).containsPattern("kubernetes manifests\\s+passed").containsPattern("kustomization \\(istio\\)\\s+passed");
    }

    @Test
    void anUnknownTargetListsIstioAmongTheAllowedOnes() {
        CliRun r = CliRun.run("deploy", "generate", "--target", "istoi", "--out", dir.resolve("x").toString(), "--data-dir",
                dir.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--target must be one of prometheus, grafana, runbooks, kubernetes, istio, helm, "
                + "compose, docker or all, but was 'istoi'");
    }
}
