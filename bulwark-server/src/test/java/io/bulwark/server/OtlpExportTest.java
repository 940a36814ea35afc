package io.bulwark.server;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The OTLP path: spans leave over OTLP/HTTP with protobuf (the SDK's exporter and its JDK sender),
 * received here by a plain HTTP endpoint that records what arrives; and a bad endpoint refuses
 * startup naming the key. The span tree itself is checked against a real Zipkin server in
 * {@link ZipkinTraceTest}.
 */
class OtlpExportTest {

    @TempDir
    Path dir;

    private record Received(String path, String contentType, byte[] body) {
    }

    @Test
    void metricsCarryExemplarsLinkingToTheTraceOfARequestTheyCounted() throws Exception {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        try (BulwarkServer server = TestServers.start(dir, Map.of("otel.enabled", "true", "otel.exporter", "otlp",
                "otel.endpoint", "http://127.0.0.1:9/v1/traces"))) {
            Http http = new Http(server.uri());
            assertThat(http.get("/api/v1/whoami", Map.of("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01"))
                    .status()).isEqualTo(200);
            Http.Response open = http.get("/metrics", Map.of("Accept", "application/openmetrics-text; version=1.0.0"));
            assertThat(open.header("Content-Type")).startsWith("application/openmetrics-text");
            assertThat(open.body()).contains("# EOF");
            assertThat(open.body().lines().filter(l -> l.startsWith("http_server_requests_seconds_bucket")
                    && l.contains("uri=\"/api/v1/whoami\"") && l.contains("# {"))
                    .toList()).as("a bucket of the request's route keeps the request's trace")
                    .anyMatch(l -> l.contains("trace_id=\"" + traceId + "\"") && l.contains("span_id=\""));

            Http.Response text = http.get("/metrics");
            assertThat(text.header("Content-Type")).startsWith("text/plain; version=0.0.4");
            assertThat(text.body()).doesNotContain("trace_id=");
        }
    }

    @Test
    void spansAreSentAsOtlpProtobufToTheConfiguredEndpoint() throws Exception {
        List<Received> received = new CopyOnWriteArrayList<>();
        HttpServer collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/", exchange -> {
            received.add(new Received(exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Content-Type"), exchange.getRequestBody().readAllBytes()));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        collector.start();
        try {
            String endpoint = "http://127.0.0.1:" + collector.getAddress().getPort() + "/v1/traces";
            try (BulwarkServer server = TestServers.start(dir, Map.of("otel.enabled", "true", "otel.exporter", "otlp",
                    "otel.endpoint", endpoint, "otel.serviceName", "otlp-check"))) {
                assertThat(new Http(server.uri()).get("/api/v1/whoami").status()).isEqualTo(200);
            } // shutdown flushes the batch
            await().atMost(Duration.ofSeconds(15)).until(() -> !received.isEmpty());
            Received r = received.getFirst();
            assertThat(r.path()).isEqualTo("/v1/traces");
            assertThat(r.contentType()).isEqualTo("application/x-protobuf");
            // Protobuf keeps strings as UTF-8 bytes: the service name and the span's name are in the message.
            String raw = new String(r.body(), StandardCharsets.ISO_8859_1);
            assertThat(raw).contains("otlp-check").contains("GET /api/v1/whoami").contains("io.bulwark");
        } finally {
            collector.stop(0);
        }
    }

    @Test
    void aBadEndpointRefusesStartupNamingTheKey() {
        assertThatThrownBy(() -> TestServers.start(dir, Map.of("otel.enabled", "true", "otel.endpoint", "collector:4318")))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("otel.endpoint must be an http or https URL")
                .hasMessageContaining("'collector:4318'");
    }

    @Test
    void tracingOffTagsNoJobWithATraceContext() {
        try (BulwarkServer server = BulwarkServer.builder(TestServers.config(dir, Map.of())).configuredStore().build()
                .start()) {
            Http api = new Http(server.uri());
            Http.Response created = api.send("POST", "/api/v1/jobs", "{\"type\":\"builtin.sleep\",\"payload\":{\"ms\":0}}",
                    Map.of("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            assertThat(created.json().path("tags").toString()).doesNotContain("trace:");
        }
    }
}
