package io.bulwark.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.core.json.Json;
import io.bulwark.test.http.FlakyServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Events to a real Alertmanager (Debian's prometheus-alertmanager, started by the test on a free
 * port): a breaker opening raises BulwarkBreakerOpen with its labels; closing it again resolves the
 * same alert. Skips naming the package when the binary is missing, unless BULWARK_REQUIRE_SERVICES=1.
 */
class AlertmanagerSinkTest {

    @TempDir
    Path dir;

    private Process alertmanager;

    @AfterEach
    void stop() {
        if (alertmanager != null) {
            alertmanager.destroyForcibly();
        }
    }

    private static File binary() {
        for (String name : List.of("prometheus-alertmanager", "alertmanager")) {
            for (String d : (System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/bin").split(File.pathSeparator)) {
                File f = new File(d, name);
                if (f.canExecute()) {
                    return f;
                }
            }
        }
        return null;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void aBreakerOpeningRaisesAnAlertAndClosingItResolvesIt() throws Exception {
        File bin = binary();
        String missing = "Alertmanager is not installed (apt-get install prometheus-alertmanager)";
        if (bin == null && "1".equals(System.getenv(io.bulwark.test.services.LocalServices.REQUIRE_SERVICES_ENV))) {
            throw new AssertionError(missing + " (BULWARK_REQUIRE_SERVICES=1, so this fails instead of skipping)");
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(bin != null, missing);
        int port = freePort();
        int cluster = freePort();
        Path config = Files.writeString(dir.resolve("am.yml"), "route:\n  receiver: none\nreceivers:\n  - name: none\n");
        alertmanager = new ProcessBuilder(bin.getPath(), "--config.file=" + config, "--storage.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port, "--cluster.listen-address=127.0.0.1:" + cluster)
                .redirectErrorStream(true).redirectOutput(dir.resolve("am.log").toFile()).start();
        HttpClient http = HttpClient.newHttpClient();
        URI alerts = URI.create("http://127.0.0.1:" + port + "/api/v2/alerts");
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() ->
                http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/-/ready")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200);

        try (FlakyServer openai = FlakyServer.start("openai").fail(503)) {
            Map<String, String> flags = new HashMap<>(Map.of("log.access", "false",
                    "providers.openai.group", "llm", "providers.openai.baseUrl", openai.uri().toString(),
                    "providers.openai.retry", "once", "retries.once.maxAttempts", "1",
                    "providers.openai.breaker.consecutiveFailures", "2",
                    "events.alertmanager.url", "http://127.0.0.1:" + port));
            try (BulwarkServer server = BulwarkServer.builder(TestServers.config(dir.resolve("node"), flags))
                    .configuredStore().build().start()) {
                Http api = new Http(server.uri());
                for (int i = 0; i < 3; i++) {
                    api.send("POST", "/api/v1/providers/llm/call", "{}", Map.of());
                }
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    JsonNode all = Json.mapper().readTree(http.send(HttpRequest.newBuilder(alerts).build(),
                            HttpResponse.BodyHandlers.ofString()).body());
                    assertThat(all).anySatisfy(a -> {
                        assertThat(a.path("labels").path("alertname").asText()).isEqualTo("BulwarkBreakerOpen");
                        assertThat(a.path("labels").path("breaker").asText()).contains("openai");
                        assertThat(a.path("labels").path("severity").asText()).isEqualTo("warning");
                        assertThat(a.path("status").path("state").asText()).isEqualTo("active");
                    });
                });
                String breaker = api.get("/api/v1/events?kind=breaker.opened").json().path("events").get(0)
                        .path("subject").asText();
                assertThat(api.send("POST", "/api/v1/circuit-breakers/" + breaker + "/reset", "", Map.of()).status()).isEqualTo(200);

                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    JsonNode all = Json.mapper().readTree(http.send(HttpRequest.newBuilder(URI.create(alerts
                                    + "?active=true&silenced=true&inhibited=true&unprocessed=true")).build(),
                            HttpResponse.BodyHandlers.ofString()).body());
                    assertThat(all).noneSatisfy(a -> assertThat(a.path("labels").path("alertname").asText())
                            .isEqualTo("BulwarkBreakerOpen"));
                });
            }
        }
    }
}
