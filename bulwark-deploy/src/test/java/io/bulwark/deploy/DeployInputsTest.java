package io.bulwark.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bad input is refused naming the field and what is allowed; writing is all or nothing. */
class DeployInputsTest {

    @TempDir
    Path dir;

    @Test
    void targetsParseByNameOrAllAndRefuseUnknownOnesListingTheAllowed() {
        assertThat(Target.parse("prometheus, runbooks")).containsExactly(Target.PROMETHEUS, Target.RUNBOOKS);
        assertThat(Target.parse("all")).isEqualTo(EnumSet.allOf(Target.class));
        assertThatThrownBy(() -> Target.parse("prometheus,kubernetez"))
                .hasMessage("target must be one of prometheus, grafana, runbooks, kubernetes, istio, helm, compose, docker or all, but was 'kubernetez'");
    }

    @Test
    void settingsNameTheBadFieldAndValue() {
        assertThatThrownBy(() -> DeploySettings.builder("My App").build())
                .hasMessageContaining("name must be a DNS label").hasMessageContaining("'My App'");
        assertThatThrownBy(() -> DeploySettings.builder("a").port(70000).build())
                .hasMessage("port must be between 1 and 65535 but was 70000");
        assertThatThrownBy(() -> DeploySettings.builder("a").scrapeTargets(List.of("just-a-host")).build())
                .hasMessage("scrapeTargets must be host:port but one was 'just-a-host'");
        assertThatThrownBy(() -> DeploySettings.builder("a").runbookUrl("has space/").build())
                .hasMessageContaining("runbookUrl must be a URL or path without spaces");
    }

    @Test
    void writingOverAFileFailsAndLeavesNothingBehind() throws Exception {
        Path file = Files.writeString(dir.resolve("out"), "not a directory");

        assertThatThrownBy(() -> Artifacts.write(file, Artifacts.generate(DeploySettings.builder("a").build(),
                EnumSet.allOf(Target.class)))).hasMessageContaining("is a file, not a directory");

        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).containsExactly(file);
        }
    }

    @Test
    void regeneratingReplacesTheFilesAndKeepsOthers() throws Exception {
        Path out = dir.resolve("deploy");
        Artifacts.write(out, Artifacts.generate(DeploySettings.builder("a").build(), EnumSet.of(Target.PROMETHEUS)));
        Files.writeString(out.resolve("prometheus/local-notes.txt"), "mine");

        Artifacts.write(out, Artifacts.generate(DeploySettings.builder("a").port(9999).build(),
                EnumSet.of(Target.PROMETHEUS)));

        assertThat(out.resolve("prometheus/prometheus.yml")).content().contains("localhost:9999");
        assertThat(out.resolve("prometheus/local-notes.txt")).hasContent("mine");
        try (Stream<Path> siblings = Files.list(dir)) {
            assertThat(siblings).as("no staging directory left").containsExactly(out);
        }
    }

    @Test
    void theMetricNamesAreThoseTheQueriesSelect() {
        assertThat(MetricNames.used(DeploySettings.builder("a").build()))
                .contains("bulwark_jobs_dead_total", "bulwark_health_status", "hikaricp_connections_pending",
                        "bulwark_jobs_queue_wait_seconds_bucket", "jvm_memory_used_bytes")
                .doesNotContain("up", "rate", "sum", "job", "vector");
    }
}
