package io.bulwark.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class MetricsEndpointTest {

    /** A sample line of the Prometheus text format: name, optional labels, a value, an optional timestamp. */
    private static final Pattern SAMPLE = Pattern.compile(
            "[a-zA-Z_:][a-zA-Z0-9_:]*(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\]|\\\\.)*\",?)*})? "
                    + "(-?[0-9.eE+-]+|NaN|\\+Inf|-Inf)( -?[0-9]+)?");

    @TempDir
    Path dir;

    @Test
    void servesPrometheusTextWithJvmProcessHttpAndBulwarkMetrics() {
        try (BulwarkServer server = TestServers.start(dir)) {
            Http http = new Http(server.uri());
            http.get("/health/live");
            http.get("/no/such/route");
            http.get("/api/v1/features/missing");
            Http.Response metrics = http.get("/metrics");
            assertThat(metrics.status()).isEqualTo(200);
            assertThat(metrics.header("Content-Type")).startsWith("text/plain; version=0.0.4");

            List<String> lines = metrics.body().lines().toList();
            for (String line : lines) {
                if (line.isEmpty() || line.startsWith("#")) {
                    assertThat(line.isEmpty() || line.startsWith("# HELP ") || line.startsWith("# TYPE ")).as(line).isTrue();
                    continue;
                }
                assertThat(SAMPLE.matcher(line).matches()).as("valid sample line: %s", line).isTrue();
            }
            String body = metrics.body();
            assertThat(body).contains("jvm_memory_used_bytes{", "jvm_gc_", "jvm_threads_live_threads", "process_cpu_usage",
                    "process_uptime_seconds", "process_cpu_seconds_total", "bulwark_build_info{version=", "bulwark_health_status{check=\"store\"}",
                    "bulwark_auth_failures_total{reason=\"missing\"}");
            assertThat(body).contains("http_server_requests_seconds_bucket{method=\"GET\",outcome=\"SUCCESS\",status=\"200\",uri=\"/health/live\",le=\"0.005\"}");
            assertThat(body).containsPattern("http_server_requests_seconds_count\\{method=\"GET\",outcome=\"CLIENT_ERROR\",status=\"404\",uri=\"NOT_FOUND\"} 1");
            assertThat(body).as("the route template, not the concrete path, labels the series")
                    .contains("uri=\"/api/v1/features/{name}\"").doesNotContain("uri=\"/api/v1/features/missing\"");
        }
    }

    @Test
    void passesPromtoolCheckMetricsWhenPromtoolIsInstalled() throws Exception {
        File promtool = findOnPath("promtool");
        String missing = "promtool is not installed (apt-get install prometheus); the format is still checked by the "
                + "test above";
        if (promtool == null && "1".equals(System.getenv(io.bulwark.test.services.LocalServices.REQUIRE_SERVICES_ENV))) {
            throw new AssertionError(missing + " (BULWARK_REQUIRE_SERVICES=1, so this fails instead of skipping)");
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(promtool != null, missing);
        try (BulwarkServer server = TestServers.start(dir)) {
            Http http = new Http(server.uri());
            http.get("/health/live");
            String body = http.get("/metrics").body();
            Process p = new ProcessBuilder(promtool.getPath(), "check", "metrics").redirectErrorStream(true).start();
            p.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as("promtool check metrics said:%n%s", out).isZero();
        }
    }

    private static File findOnPath(String name) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File f = new File(d, name);
            if (f.canExecute()) {
                return f;
            }
        }
        return Files.isExecutable(Path.of("/usr/bin", name)) ? new File("/usr/bin", name) : null;
    }
}
