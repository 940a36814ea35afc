package io.bulwark.deploy.rollout.prometheus;

import com.sun.net.httpserver.HttpServer;
import io.bulwark.deploy.rollout.MetricSource.MetricException;
import io.bulwark.deploy.rollout.MetricSource.Value;
import io.bulwark.deploy.rollout.fixtures.Binaries;
import io.bulwark.deploy.rollout.fixtures.MetricsEndpoint;
import io.bulwark.deploy.rollout.fixtures.PrometheusServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The Prometheus source against a real Prometheus (Debian's), started by the test, scraping a
 * counter the test sets every second.
 */
class PrometheusSourceTest {

    @TempDir
    static Path dir;

    private static MetricsEndpoint metrics;
    private static PrometheusServer prometheus;
    private static PrometheusSource source;

    @BeforeAll
    static void start() throws Exception {
        Path binary = Binaries.require("prometheus", "prometheus");
        metrics = MetricsEndpoint.start().set("blue", 5).set("green", 7);
        prometheus = PrometheusServer.start(binary, dir, List.of(metrics.target()));
        source = PrometheusSource.of(prometheus.uri(), Duration.ofSeconds(5));
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> source.query("test_requests_total").values().size() == 2);
    }

    @AfterAll
    static void stop() {
        if (prometheus != null) {
            prometheus.close();
        }
        if (metrics != null) {
            metrics.close();
        }
    }

    @Test
    void aScalarResultIsOneNumber() throws Exception {
        assertThat(source.provider()).isEqualTo("prometheus");
        assertThat(source.query("1 + 2")).isEqualTo(Value.scalar(3));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(source.query("scalar(sum(test_requests_total{side=~\"blue|green\"}))").values().get(0))
                        .isEqualTo(12.0));
        assertThat(source.query("0 / 0").values().get(0)).isNaN();
    }

    @Test
    void anInstantVectorIsOneNumberPerSeriesAndFollowsTheScrapedCounter() throws Exception {
        Value v = source.query("sort(test_requests_total{side=~\"blue|green\"})");
        assertThat(v.scalar()).isFalse();
        assertThat(v.values()).containsExactly(5.0, 7.0);

        metrics.set("green", 16);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(source.query("test_requests_total{side=\"green\"}")).isEqualTo(Value.vector(List.of(16.0))));
        metrics.set("green", 7);
    }

    @Test
    void aVectorWithNoSeriesIsEmptyAndNaNStaysNaN() throws Exception {
        assertThat(source.query("test_requests_total{side=\"purple\"}")).isEqualTo(Value.vector(List.of()));
        Value nan = source.query("test_requests_total{side=~\"blue|green\"} * 0 / 0");
        assertThat(nan.values()).hasSize(2).allSatisfy(d -> assertThat(d).isNaN());
        assertThat(source.query("test_requests_total{side=\"blue\"} / 0").values()).containsExactly(Double.POSITIVE_INFINITY);
    }

    @Test
    void rangeVectorsAndStringsAreRefusedNamingTheResultType() {
        assertThatThrownBy(() -> source.query("test_requests_total[1m]")).isInstanceOf(MetricException.class)
                .hasMessageContaining("answered a matrix result").hasMessageContaining("test_requests_total[1m]")
                .hasMessageContaining(prometheus.uri().toString());
        assertThatThrownBy(() -> source.query("\"hello\"")).isInstanceOf(MetricException.class)
                .hasMessageContaining("answered a string result");
    }

    @Test
    void prometheusErrorsCarryItsErrorText() {
        assertThatThrownBy(() -> source.query("sum(rate(test_requests_total[1m])")).isInstanceOf(MetricException.class)
                .hasMessageContaining("failed (bad_data, HTTP 400)").hasMessageContaining("parse error");
        // Valid syntax that fails when run: many-to-many matching.
        assertThatThrownBy(() -> source.query("test_requests_total + on(job) test_requests_total"))
                .isInstanceOf(MetricException.class).hasMessageContaining("execution")
                .hasMessageContaining("many-to-many");
        assertThatThrownBy(() -> source.query(" ")).isInstanceOf(MetricException.class).hasMessageContaining("must not be empty");
    }

    @Test
    void validateAsksPrometheusToParseWithoutRunning() throws Exception {
        source.validate("sum(rate(test_requests_total[1m])) / sum(rate(test_requests_total[1m]))");
        // Parses, though it would fail if run: validate only checks the text.
        source.validate("test_requests_total + on(job) test_requests_total");
        assertThatThrownBy(() -> source.validate("sum(rate(test_requests_total[1m])")).isInstanceOf(MetricException.class)
                .hasMessageContaining("does not parse").hasMessageContaining("parse error")
                .hasMessageContaining("sum(rate(test_requests_total[1m])");
        assertThatThrownBy(() -> source.validate("rate(test_requests_total[5 minutes])")).isInstanceOf(MetricException.class)
                .hasMessageContaining("does not parse");
    }

    @Test
    void withoutFormatQueryValidateRunsTheQueryAndOnlyBadDataIsAParseError() throws Exception {
        // A Prometheus older than 2.38, played by a proxy in front of the real one that has no format_query.
        HttpServer old = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        HttpClient http = HttpClient.newHttpClient();
        old.createContext("/", exchange -> {
            try (exchange) {
                if (exchange.getRequestURI().getPath().endsWith("/format_query")) {
                    exchange.sendResponseHeaders(404, -1);
                    return;
                }
                HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(prometheus.uri().resolve(exchange.getRequestURI().toString()))
                        .build(), HttpResponse.BodyHandlers.ofByteArray());
                exchange.sendResponseHeaders(r.statusCode(), r.body().length);
                exchange.getResponseBody().write(r.body());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        old.start();
        try {
            PrometheusSource viaOld = PrometheusSource.of(URI.create("http://127.0.0.1:" + old.getAddress().getPort()));
            viaOld.validate("test_requests_total + on(job) test_requests_total");
            assertThatThrownBy(() -> viaOld.validate("sum(")).isInstanceOf(MetricException.class)
                    .hasMessageContaining("does not parse").hasMessageContaining("parse error");
        } finally {
            old.stop(0);
            http.close();
        }
    }

    @Test
    void anAnswerThatIsNotPrometheusIsReportedWithItsStatus() throws Exception {
        HttpServer proxy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        byte[] page = "<html><body>502 Bad Gateway</body></html>".getBytes(StandardCharsets.UTF_8);
        proxy.createContext("/", exchange -> {
            try (exchange) {
                exchange.sendResponseHeaders(502, page.length);
                exchange.getResponseBody().write(page);
            }
        });
        proxy.start();
        try {
            PrometheusSource behindProxy = PrometheusSource.of(URI.create("http://127.0.0.1:" + proxy.getAddress().getPort() + "/prom"));
            assertThatThrownBy(() -> behindProxy.query("up")).isInstanceOf(MetricException.class)
                    .hasMessageContaining("HTTP 502").hasMessageContaining("502 Bad Gateway")
                    .hasMessageContaining("/prom");
        } finally {
            proxy.stop(0);
        }
    }

    @Test
    void anUnreachableAddressIsAnErrorNamingIt() {
        URI nowhere = URI.create("http://127.0.0.1:" + Binaries.freePort());
        PrometheusSource absent = PrometheusSource.of(nowhere, Duration.ofSeconds(2));
        assertThatThrownBy(() -> absent.query("up")).isInstanceOf(MetricException.class)
                .hasMessageContaining("Prometheus at " + nowhere + " is unreachable").hasMessageContaining("`up`");
        assertThatThrownBy(() -> absent.validate("up")).isInstanceOf(MetricException.class)
                .hasMessageContaining("is unreachable");
    }

    @Test
    void aBadAddressIsRefusedNamingIt() {
        assertThatThrownBy(() -> PrometheusSource.of(URI.create("prometheus:9090")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("address must be an http://");
        assertThatThrownBy(() -> PrometheusSource.of(URI.create("http://p:9090"), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout must be positive");
    }
}
