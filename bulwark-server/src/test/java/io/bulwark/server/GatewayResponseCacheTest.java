package io.bulwark.server;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The gateway's response cache over real HTTP: a repeated GET is answered from the cache without
 * asking the provider, POST is not kept unless listed, and Cache-Control is honoured both ways
 * (the provider's no-store, private and max-age=0 keep an answer out; Vary on a header outside the
 * key does too; the caller's no-cache, no-store and only-if-cached).
 */
class GatewayResponseCacheTest {

    @TempDir
    Path dir;

    private HttpServer upstream;
    private final AtomicInteger requests = new AtomicInteger();
    /** Headers the provider adds to its answers, by path. */
    private final Map<String, Map<String, String>> headersByPath = new ConcurrentHashMap<>();
    private BulwarkServer server;
    private Http http;

    @BeforeEach
    void startUpstream() throws IOException {
        upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        upstream.createContext("/", exchange -> {
            int n = requests.incrementAndGet();
            String path = exchange.getRequestURI().getPath();
            headersByPath.getOrDefault(path, Map.of()).forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            String accept = exchange.getRequestHeaders().getFirst("Accept");
            byte[] body = ("{\"answer\":" + n + ",\"accept\":\"" + accept + "\"}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        upstream.start();
    }

    private void start(Map<String, String> extra) {
        Map<String, String> flags = new HashMap<>(Map.of("log.access", "false", "providers.up.group", "g",
                "providers.up.baseUrl", "http://127.0.0.1:" + upstream.getAddress().getPort(),
                "cache.answers.levels", "l1", "gateway.responseCache.g.cache", "answers"));
        flags.putAll(extra);
        server = TestServers.start(dir, flags);
        http = new Http(server.uri());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        upstream.stop(0);
    }

    private Http.Response get(String path, Map<String, String> headers) {
        return http.get("/api/v1/providers/g/call" + path, headers);
    }

    @Test
    void aRepeatedGetIsAnsweredFromTheCacheWithoutAskingTheProvider() {
        start(Map.of());
        Http.Response first = get("/v1/models?page=1", Map.of());
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.header("X-Bulwark-Cache")).isEqualTo("miss");
        Http.Response second = get("/v1/models?page=1", Map.of());
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.header("X-Bulwark-Cache")).isEqualTo("hit");
        assertThat(second.header("X-Bulwark-Source")).isEqualTo("cache");
        assertThat(second.header("X-Bulwark-Provider")).isEqualTo("up");
        assertThat(second.header("Age")).isNotNull();
        assertThat(second.header("Content-Type")).isEqualTo("application/json");
        assertThat(second.body()).isEqualTo(first.body());
        assertThat(requests.get()).isEqualTo(1);

        assertThat(get("/v1/models?page=2", Map.of()).header("X-Bulwark-Cache")).as("another query, another key")
                .isEqualTo("miss");
        assertThat(requests.get()).isEqualTo(2);
        assertThat(metric("bulwark_gateway_response_cache_total{group=\"g\",outcome=\"hit\"}")).isEqualTo(1.0);
        assertThat(metric("bulwark_gateway_response_cache_total{group=\"g\",outcome=\"stored\"}")).isEqualTo(2.0);
    }

    @Test
    void postIsKeptOnlyWhenListedAndThenKeyedByItsBody() {
        start(Map.of());
        http.send("POST", "/api/v1/providers/g/call/v1/chat", "{\"q\":1}", Map.of());
        Http.Response again = http.send("POST", "/api/v1/providers/g/call/v1/chat", "{\"q\":1}", Map.of());
        assertThat(again.header("X-Bulwark-Cache")).isEqualTo("bypass");
        assertThat(requests.get()).isEqualTo(2);
        server.close();

        start(Map.of("gateway.responseCache.g.methods", "POST"));
        requests.set(0);
        String a = http.send("POST", "/api/v1/providers/g/call/v1/chat", "{\"q\":1}", Map.of()).body();
        assertThat(http.send("POST", "/api/v1/providers/g/call/v1/chat", "{\"q\":1}", Map.of()).body()).isEqualTo(a);
        assertThat(http.send("POST", "/api/v1/providers/g/call/v1/chat", "{\"q\":2}", Map.of()).header("X-Bulwark-Cache"))
                .isEqualTo("miss");
        assertThat(requests.get()).isEqualTo(2);
    }

    @Test
    void theProvidersCacheControlKeepsAnswersOut() {
        start(Map.of());
        headersByPath.put("/no-store", Map.of("Cache-Control", "no-store"));
        headersByPath.put("/private", Map.of("Cache-Control", "private, max-age=60"));
        headersByPath.put("/stale", Map.of("Cache-Control", "max-age=0"));
        headersByPath.put("/vary", Map.of("Vary", "Accept"));
        headersByPath.put("/shared", Map.of("Cache-Control", "max-age=0, s-maxage=60"));
        for (String path : new String[] {"/no-store", "/private", "/stale", "/vary"}) {
            get(path, Map.of());
            assertThat(get(path, Map.of()).header("X-Bulwark-Cache")).as(path).isEqualTo("miss");
        }
        get("/shared", Map.of());
        assertThat(get("/shared", Map.of()).header("X-Bulwark-Cache")).as("s-maxage wins for a shared cache")
                .isEqualTo("hit");
        assertThat(requests.get()).isEqualTo(9);
    }

    @Test
    void varyOnAKeyedHeaderKeepsOneAnswerPerValue() {
        start(Map.of("gateway.responseCache.g.headers", "Accept"));
        headersByPath.put("/v", Map.of("Vary", "Accept"));
        String json = get("/v", Map.of("Accept", "application/json")).body();
        String text = get("/v", Map.of("Accept", "text/plain")).body();
        assertThat(json).isNotEqualTo(text);
        assertThat(get("/v", Map.of("Accept", "application/json")).body()).isEqualTo(json);
        assertThat(get("/v", Map.of("Accept", "text/plain")).body()).isEqualTo(text);
        assertThat(requests.get()).isEqualTo(2);
    }

    @Test
    void theCallersCacheControlIsHonoured() {
        start(Map.of());
        Http.Response only = get("/models", Map.of("Cache-Control", "only-if-cached"));
        assertThat(only.status()).isEqualTo(504);
        assertThat(only.json().path("type").asText()).endsWith("not-cached");
        assertThat(requests.get()).as("only-if-cached never asks a provider").isZero();

        String first = get("/models", Map.of()).body();
        Http.Response refreshed = get("/models", Map.of("Cache-Control", "no-cache"));
        assertThat(refreshed.header("X-Bulwark-Cache")).isEqualTo("miss");
        assertThat(refreshed.body()).isNotEqualTo(first);
        assertThat(get("/models", Map.of()).body()).as("no-cache refreshed the kept answer").isEqualTo(refreshed.body());
        assertThat(get("/models", Map.of("Cache-Control", "no-store")).header("X-Bulwark-Cache")).isEqualTo("bypass");
        assertThat(get("/models", Map.of("Cache-Control", "only-if-cached")).status()).isEqualTo(200);
        assertThat(requests.get()).isEqualTo(3);
    }

    @Test
    void aResponseCacheNamingNoDeclaredCacheStopsTheStart() {
        assertThatThrownBy(() -> start(Map.of("gateway.responseCache.g.cache", "nope")))
                .hasMessageContaining("gateway.responseCache.g.cache names 'nope', which is not a declared cache");
        assertThatThrownBy(() -> start(Map.of("gateway.responseCache.g.methods", "GET,FETCH")))
                .hasMessageContaining("gateway.responseCache.g.methods").hasMessageContaining("'FETCH'");
    }

    private double metric(String series) {
        for (String line : http.get("/metrics").body().split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        return 0;
    }
}
