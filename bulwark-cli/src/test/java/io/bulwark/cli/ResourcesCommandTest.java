package io.bulwark.cli;

import io.bulwark.server.BulwarkServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code bulwark resources}: the table, its sparklines, the watch mode and bad options. */
class ResourcesCommandTest {

    @TempDir
    Path dir;

    @Test
    void printsEachFigureAgainstItsLimitAndWatchRedraws() {
        try (BulwarkServer server = BulwarkServer.builder(CliServers.config(dir, Map.of("scaling.limits.memoryPercent", "0",
                "scaling.monitor.interval", "100ms"))).build().start()) {
            String url = server.uri().toString();
            CliRun once = CliRun.run("resources", "--url", url);
            assertThat(once.exit()).as(once.err()).isZero();
            assertThat(once.out()).containsPattern("heap\\.percent\\s+\\d+\\.\\d%\\s+90\\.0%")
                    .contains("memory.limit").contains("samples kept");

            CliRun watch = CliRun.run("resources", "--url", url, "--watch", "--interval", "200ms", "--count", "3");
            assertThat(watch.exit()).as(watch.err()).isZero();
            assertThat(watch.out().split("samples kept", -1)).as("three redraws").hasSize(4);
            assertThat(watch.out()).contains("over its limit: memory.percent");

            CliRun json = CliRun.run("resources", "--url", url, "-o", "json");
            assertThat(json.out()).contains("\"figures\"").contains("\"history\"");
        }
    }

    @Test
    void scalingStatusAndDecisionsExplainTheAutoscaler() {
        try (BulwarkServer server = BulwarkServer.builder(CliServers.config(dir, Map.of("scaling.autoscaler.enabled", "true",
                "scaling.autoscaler.interval", "100ms"))).configuredStore().build().start()) {
            String url = server.uri().toString();
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() ->
                    CliRun.run("scaling", "status", "--url", url).out().contains("last decision"));
            CliRun status = CliRun.run("scaling", "status", "--url", url);
            assertThat(status.out()).contains("autoscaler on, driver dry-run").contains("1 to 10 workers")
                    .contains("1 → 1 (TooFewReplicas)").contains("metrics recommend 0; minReplicas is 1");
            CliRun decisions = CliRun.run("scaling", "decisions", "--url", url, "--limit", "2");
            assertThat(decisions.exit()).as(decisions.err()).isZero();
            assertThat(decisions.out()).contains("TooFewReplicas");
            assertThat(CliRun.run("scaling", "decisions", "--limit", "0").err()).contains("--limit must be between 1 and 1000");

            CliRun shown = CliRun.run("scaling", "policy", "--url", url);
            assertThat(shown.out()).startsWith("# from config").contains("maxReplicas: 10").contains("stabilizationWindow: \"5m\"");
            java.nio.file.Path file = dir.resolve("scaling.yaml");
            writeString(file, "minReplicas: 2\nmaxReplicas: 6\nwaitingJobsPerWorker: 40\n");
            CliRun set = CliRun.run("scaling", "policy", "--url", url, "--set", file.toString());
            assertThat(set.exit()).as(set.err()).isZero();
            assertThat(set.out()).contains("# from api, set").contains("maxReplicas: 6").contains("waitingJobsPerWorker: 40.0");
            writeString(file, "minReplicas: 2\nmaxReplicas: 1\n");
            CliRun bad = CliRun.run("scaling", "policy", "--url", url, "--set", file.toString());
            assertThat(bad.exit()).isEqualTo(2);
            assertThat(bad.err()).contains("maxReplicas").contains("waitingJobsPerWorker");
            assertThat(CliRun.run("scaling", "policy", "--url", url, "--reset").out()).startsWith("# from config");
        }
    }

    private static void writeString(java.nio.file.Path file, String text) {
        try {
            java.nio.file.Files.writeString(file, text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void scalingRecommendShowsEachDeploymentsRequests() {
        try (BulwarkServer server = BulwarkServer.builder(CliServers.config(dir, Map.of("scaling.monitor.interval", "100ms",
                "scaling.monitor.publish", "100ms", "scaling.recommender.interval", "150ms"))).configuredStore().build().start()) {
            String url = server.uri().toString();
            // The first sample leaves the upper bounds open (no history yet); the second closes them.
            java.util.regex.Pattern bounded = java.util.regex.Pattern.compile("both\\s+\\d+\\s+\\S+\\s+\\d+m / \\d+m / \\d+m");
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(15)).until(() ->
                    bounded.matcher(CliRun.run("scaling", "recommend", "--url", url).out()).find());
            CliRun r = CliRun.run("scaling", "recommend", "--url", url);
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).contains("DEPLOYMENT").containsPattern("both\\s+\\d+\\s+\\S+\\s+\\d+m / \\d+m / \\d+m")
                    .containsPattern("\\d+Mi / \\d+Mi / \\d+Mi");
        }
    }

    @Test
    void eventsListsTheNodesEventsAndFollowStopsAfterMax() {
        try (BulwarkServer server = BulwarkServer.builder(CliServers.config(dir, Map.of())).configuredStore().build()
                .start()) {
            String url = server.uri().toString();
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() ->
                    CliRun.run("events", "--url", url).out().contains("leader.changed"));
            CliRun all = CliRun.run("events", "--url", url, "--kind", "leader.");
            assertThat(all.exit()).as(all.err()).isZero();
            assertThat(all.out()).contains("info").contains("became the leader");
            CliRun follow = CliRun.run("events", "--url", url, "--follow", "--max", "1");
            assertThat(follow.exit()).isZero();
            assertThat(follow.out().lines().count()).isEqualTo(1);
            assertThat(CliRun.run("events", "--limit", "0").err()).contains("--limit must be between 1 and 1000");
        }
    }

    @Test
    void badOptionsExitTwoNamingThem() {
        assertThat(CliRun.run("resources", "--interval", "soon").err()).contains("--interval must be");
        assertThat(CliRun.run("resources", "--interval", "10ms").exit()).isEqualTo(2);
        assertThat(CliRun.run("resources", "--count", "-1").err()).contains("--count must be >= 0");
    }
}
