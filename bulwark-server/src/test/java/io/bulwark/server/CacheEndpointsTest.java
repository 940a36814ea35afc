package io.bulwark.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.bulwark.test.services.LocalService;
import io.bulwark.test.services.RequiresService;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@code cache.*} config and {@code /api/v1/caches} on real servers (random ports) and the local
 * Redis: entries put on one node are read on another through the L2, and invalidations there
 * reach this node's L1; warm-ups from an HTTP snapshot; DEGRADED health while a cache's Redis is
 * away; bad config naming its key.
 */
@RequiresService(LocalService.REDIS)
class CacheEndpointsTest {

    @TempDir
    Path dir;

    private final String namespace = "test:cache:" + UUID.randomUUID().toString().substring(0, 8);
    private final List<BulwarkServer> servers = new ArrayList<>();
    private HttpServer source;

    private Http start(Map<String, String> flags) {
        Map<String, String> all = new HashMap<>(Map.of("log.access", "false", "server.shutdown.grace", "1s",
                "cache.products.redis", "redis://127.0.0.1:6379", "cache.products.namespace", namespace,
                "cache.products.maximumSize", "1000", "cache.products.tags", "catalog",
                "cache.local.levels", "l1", "cache.local.ttl", "1h"));
        all.putAll(flags);
        Path data = dir.resolve("node" + servers.size());
        try {
            Files.createDirectories(data);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        BulwarkServer server = BulwarkServer.builder(TestServers.config(data, all)).build().start();
        servers.add(server);
        return new Http(server.uri());
    }

    @AfterEach
    void stop() {
        servers.forEach(BulwarkServer::close);
        if (source != null) {
            source.stop(0);
        }
        RedisClient client = RedisClient.create("redis://127.0.0.1:6379");
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            List<String> keys = c.sync().keys(namespace + "*");
            if (!keys.isEmpty()) {
                c.sync().del(keys.toArray(String[]::new));
            }
        } finally {
            client.shutdown();
        }
    }

    private static Http.Response put(Http http, String path, String body) {
        return http.send("PUT", path, body, Map.of("Content-Type", "application/json"));
    }

    private static Http.Response post(Http http, String path, String body) {
        return http.send("POST", path, body, Map.of("Content-Type", "application/json"));
    }

    @Test
    void valuesPutOnOneNodeAreReadOnAnotherAndInvalidationsReachEveryL1() {
        Http a = start(Map.of());
        Http b = start(Map.of());

        Http.Response put = put(a, "/api/v1/caches/products/keys/sku-1?tags=promo&ttl=5m", "{\"price\": 10}");
        assertThat(put.status()).as(put.body()).isEqualTo(200);
        assertThat(put.json().get("ttl").asText()).isEqualTo("5m");
        assertThat(put.json().get("tags").toString()).contains("catalog").contains("promo");
        assertThat(a.get("/api/v1/caches/products/keys/sku-1").json().get("price").asInt()).isEqualTo(10);
        assertThat(b.get("/api/v1/caches/products/keys/sku-1").json().get("price").asInt())
                .as("node b misses its L1 and reads the L2").isEqualTo(10);
        assertThat(b.get("/api/v1/caches/products/keys/sku-1").status()).as("now from b's L1").isEqualTo(200);

        JsonNode bStats = b.get("/api/v1/caches/products").json().get("stats");
        assertThat(bStats.get("l1").get("hits").asLong()).isEqualTo(1);
        assertThat(bStats.get("l1").get("misses").asLong()).isEqualTo(1);
        assertThat(bStats.get("l2").get("hits").asLong()).isEqualTo(1);
        assertThat(bStats.get("l2").get("size").asLong()).isEqualTo(1);

        // a changes the value: b's L1 copy is dropped by the broadcast, and b reads the new one
        put(a, "/api/v1/caches/products/keys/sku-1", "{\"price\": 12}");
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(() ->
                b.get("/api/v1/caches/products/keys/sku-1").json().get("price").asInt() == 12);

        // a tag invalidation on b removes the entry from the L2 and a's L1
        put(a, "/api/v1/caches/products/keys/sku-2?tags=promo", "[1, 2, 3]");
        assertThat(a.get("/api/v1/caches/products/keys/sku-2").body()).isEqualTo("[1,2,3]");
        Http.Response inv = post(b, "/api/v1/caches/products/invalidate", "{\"tags\": [\"promo\"]}");
        assertThat(inv.status()).as(inv.body()).isEqualTo(200);
        assertThat(inv.json().get("tags").asInt()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(() ->
                a.get("/api/v1/caches/products/keys/sku-2").status() == 404);

        // DELETE on a, then b's L1 drops sku-1 too
        assertThat(a.send("DELETE", "/api/v1/caches/products/keys/sku-1", null, Map.of()).status()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(() ->
                b.get("/api/v1/caches/products/keys/sku-1").status() == 404);
        Http.Response missing = b.get("/api/v1/caches/products/keys/sku-1");
        assertThat(missing.headers().firstValue("Content-Type").orElse("")).contains("application/problem+json");
        assertThat(missing.json().get("detail").asText()).contains("cache products holds no key 'sku-1'");

        put(a, "/api/v1/caches/products/keys/x", "1");
        put(a, "/api/v1/caches/products/keys/y", "\"text\"");
        assertThat(post(a, "/api/v1/caches/products/invalidate", "{\"all\": true}").json().get("all").asBoolean()).isTrue();
        assertThat(b.get("/api/v1/caches/products/keys/y").status()).isEqualTo(404);
        JsonNode invalidations = a.get("/api/v1/caches/products").json().get("stats").get("l2").get("invalidations");
        assertThat(invalidations.asLong()).as("the delete and the invalidate-all").isGreaterThanOrEqualTo(2);
    }

    @Test
    void theListShowsEveryCacheWithItsFiguresPerLevelAndTheMetricsAndHealthCarryThem() {
        Http http = start(Map.of());
        String key = "a/b c?d";
        String path = "/api/v1/caches/local/keys/" + URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20");
        assertThat(put(http, path, "{\"ok\": true}").status()).isEqualTo(200);
        assertThat(http.get(path).json().get("ok").asBoolean()).as("a key with a slash, a space and a '?'").isTrue();
        http.get("/api/v1/caches/local/keys/nope");

        JsonNode items = http.get("/api/v1/caches").json().get("items");
        assertThat(items).hasSize(2);
        JsonNode local = items.get(0);
        assertThat(local.get("name").asText()).isEqualTo("local");
        assertThat(local.get("levels").toString()).isEqualTo("[\"l1\"]");
        assertThat(local.get("ttl").asText()).isEqualTo("1h");
        assertThat(local.get("status").asText()).isEqualTo("UP");
        assertThat(local.get("stats").has("l2")).isFalse();
        JsonNode l1 = local.get("stats").get("l1");
        assertThat(l1.get("size").asLong()).isEqualTo(1);
        assertThat(l1.get("hits").asLong()).isEqualTo(1);
        assertThat(l1.get("misses").asLong()).isEqualTo(1);
        assertThat(l1.get("hitRatio").asDouble()).isEqualTo(0.5);
        assertThat(l1.get("evictionsByCause").has("size")).isTrue();
        assertThat(l1.has("loadTime")).isTrue();
        JsonNode products = items.get(1);
        assertThat(products.get("levels").toString()).isEqualTo("[\"l1\",\"l2\"]");
        assertThat(products.get("redis").asText()).isEqualTo("redis://127.0.0.1:6379");
        assertThat(products.get("maximumSize").asLong()).isEqualTo(1000);
        assertThat(products.get("busConnected").asBoolean()).isTrue();
        assertThat(products.get("stats").get("l2").get("evictionsByCause").has("unreadable")).isTrue();
        assertThat(products.get("warm").has("source")).as("no warm-up source").isFalse();

        JsonNode page = http.get("/api/v1/caches?limit=1").json();
        assertThat(page.get("items")).hasSize(1);
        assertThat(http.get("/api/v1/caches?limit=1&cursor=" + page.get("nextCursor").asText()).json().get("items")
                .get(0).get("name").asText()).isEqualTo("products");

        String metrics = http.get("/metrics").body();
        assertThat(metrics).containsPattern("cache_gets_total\\{cache=\"local\",level=\"l1\",result=\"hit\"} 1.0");
        assertThat(metrics).containsPattern("cache_gets_total\\{cache=\"products\",level=\"l2\",result=\"miss\"}");
        assertThat(metrics).contains("bulwark_cache_l2_up{cache=\"products\"} 1.0");
        JsonNode health = http.get("/health").json();
        assertThat(health.get("status").asText()).isEqualTo("healthy");
        assertThat(health.get("checks").get("cache").get("status").asText()).isEqualTo("UP");
    }

    @Test
    void badRequestsNameTheFieldAndUnknownCachesAre404() {
        Http http = start(Map.of());
        Http.Response unknown = http.get("/api/v1/caches/nope");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().get("detail").asText()).contains("no cache named 'nope'").contains("[local, products]");
        assertThat(put(http, "/api/v1/caches/nope/keys/a", "1").status()).isEqualTo(404);

        Http.Response nullValue = put(http, "/api/v1/caches/local/keys/a", "null");
        assertThat(nullValue.status()).as(nullValue.body()).isEqualTo(400);
        assertThat(nullValue.body()).contains("other than null");
        Http.Response badTtl = put(http, "/api/v1/caches/local/keys/a?ttl=soon", "1");
        assertThat(badTtl.status()).isEqualTo(400);
        assertThat(badTtl.json().get("errors").get(0).get("field").asText()).isEqualTo("ttl");
        Http.Response badTag = put(http, "/api/v1/caches/local/keys/a?tags=ok,,x", "1");
        assertThat(badTag.status()).isEqualTo(400);
        assertThat(badTag.json().get("errors").get(0).get("field").asText()).isEqualTo("tags");
        Http.Response badJson = put(http, "/api/v1/caches/local/keys/a", "{oops");
        assertThat(badJson.status()).isEqualTo(400);
        Http.Response text = http.send("PUT", "/api/v1/caches/local/keys/a", "1", Map.of("Content-Type", "text/plain"));
        assertThat(text.status()).isEqualTo(415);
        Http.Response surrogate = put(http, "/api/v1/caches/local/keys/a", "{\"a\": [\"\\ud800\"]}");
        assertThat(surrogate.status()).isEqualTo(400);
        assertThat(surrogate.json().get("errors").get(0).get("field").asText()).isEqualTo("a[0]");
        Http.Response longKey = http.get("/api/v1/caches/local/keys/" + "k".repeat(1025));
        assertThat(longKey.status()).isEqualTo(400);
        assertThat(longKey.json().get("errors").get(0).get("field").asText()).isEqualTo("key");

        Http.Response empty = post(http, "/api/v1/caches/local/invalidate", "{}");
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.body()).contains("name keys, tags, or all: true");
        Http.Response both = post(http, "/api/v1/caches/local/invalidate", "{\"all\": true, \"keys\": [\"a\"]}");
        assertThat(both.status()).isEqualTo(400);
        assertThat(both.json().get("errors").get(0).get("field").asText()).isEqualTo("all");
        Http.Response badTagInBody = post(http, "/api/v1/caches/local/invalidate", "{\"tags\": [\"a,b\"]}");
        assertThat(badTagInBody.status()).isEqualTo(400);
        assertThat(badTagInBody.json().get("errors").get(0).get("field").asText()).isEqualTo("tags[0]");
        Http.Response unknownField = post(http, "/api/v1/caches/local/invalidate", "{\"key\": \"a\"}");
        assertThat(unknownField.status()).isEqualTo(400);

        Http.Response noSource = post(http, "/api/v1/caches/local/warm", null);
        assertThat(noSource.status()).isEqualTo(409);
        assertThat(noSource.json().get("detail").asText()).contains("cache.local.warmUrl");
    }

    @Test
    void aCacheIsWarmedFromItsUrlOnStartAndOnRequest() throws IOException {
        AtomicInteger served = new AtomicInteger();
        source = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        source.createContext("/snapshot", ex -> {
            served.incrementAndGet();
            byte[] body = "{\"a\": 1, \"b\": {\"x\": 2}, \"gone\": null}".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        source.createContext("/broken", ex -> {
            ex.sendResponseHeaders(503, -1);
            ex.close();
        });
        source.start();
        String base = "http://127.0.0.1:" + source.getAddress().getPort();
        Http http = start(Map.of("cache.local.warmUrl", base + "/snapshot?token=s3cret", "cache.local.warmOnStart", "true",
                "cache.products.warmUrl", base + "/broken"));

        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(() ->
                "DONE".equals(http.get("/api/v1/caches/local").json().get("warm").get("last").path("state").asText()));
        JsonNode warm = http.get("/api/v1/caches/local").json().get("warm");
        assertThat(warm.get("source").asText()).as("the token is not shown").isEqualTo(base + "/snapshot?****");
        assertThat(warm.get("onStart").asBoolean()).isTrue();
        assertThat(warm.get("last").get("total").asLong()).isEqualTo(3);
        assertThat(warm.get("last").get("loaded").asLong()).isEqualTo(2);
        assertThat(warm.get("last").get("failed").asLong()).as("a null value is left out").isEqualTo(1);
        assertThat(http.get("/api/v1/caches/local/keys/b").json().get("x").asInt()).isEqualTo(2);
        assertThat(http.get("/api/v1/caches").body()).doesNotContain("s3cret");

        // a warm-up fills what is missing: a value put since is kept
        put(http, "/api/v1/caches/local/keys/a", "100");
        http.send("DELETE", "/api/v1/caches/local/keys/b", null, Map.of());
        Http.Response started = post(http, "/api/v1/caches/local/warm", null);
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(() ->
                served.get() == 2 && "DONE".equals(http.get("/api/v1/caches/local").json().get("warm").get("last")
                        .path("state").asText()));
        assertThat(http.get("/api/v1/caches/local/keys/a").body()).isEqualTo("100");
        assertThat(http.get("/api/v1/caches/local/keys/b").json().get("x").asInt()).isEqualTo(2);

        assertThat(post(http, "/api/v1/caches/products/warm", null).status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(() ->
                "FAILED".equals(http.get("/api/v1/caches/products").json().get("warm").get("last").path("state").asText()));
        assertThat(http.get("/api/v1/caches/products").json().get("warm").get("last").get("error").asText())
                .contains("answered 503");
    }

    @Test
    void aCacheWhoseRedisIsDownStartsDegradedAndStillServesFromItsL1() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Http http = start(Map.of("cache.products.redis", "redis://127.0.0.1:" + port));

        JsonNode health = http.get("/health").json();
        assertThat(health.get("status").asText()).isEqualTo("degraded");
        assertThat(health.get("checks").get("cache").get("status").asText()).isEqualTo("DEGRADED");
        JsonNode products = http.get("/api/v1/caches/products").json();
        assertThat(products.get("status").asText()).isEqualTo("DEGRADED");
        assertThat(products.get("stats").get("l2").get("size").asLong()).isEqualTo(-1);

        assertThat(put(http, "/api/v1/caches/products/keys/k", "{\"v\": 1}").status()).isEqualTo(200);
        assertThat(http.get("/api/v1/caches/products/keys/k").json().get("v").asInt()).isEqualTo(1);
        assertThat(http.get("/metrics").body()).contains("bulwark_cache_l2_up{cache=\"products\"} 0.0");
    }

    @Test
    void aBadCacheConfigStopsTheStartNamingTheKey() {
        assertThatThrownBy(() -> start(Map.of("cache.orders.levels", "l2")))
                .hasMessageContaining("cache.orders.redis: levels l2 needs the Redis of the L2");
        assertThatThrownBy(() -> start(Map.of("cache.orders.levels", "l3")))
                .hasMessageContaining("cache.orders.levels").hasMessageContaining("l1, l2 or l1,l2");
        assertThatThrownBy(() -> start(Map.of("cache.local.refreshAfter", "1m")))
                .hasMessageContaining("cache.local.refreshAfter re-reads L1 entries from the L2");
        assertThatThrownBy(() -> start(Map.of("cache.products.refreshAfter", "2h", "cache.products.ttl", "1h")))
                .hasMessageContaining("cache.products.refreshAfter: refreshAfter must be shorter than ttl (1h)");
        assertThatThrownBy(() -> start(Map.of("cache.local.warmOnStart", "true")))
                .hasMessageContaining("cache.local.warmOnStart is set but cache.local.warmUrl is not");
        assertThatThrownBy(() -> start(Map.of("cache.local.warmUrl", "ftp://x/y")))
                .hasMessageContaining("cache.local.warmUrl must be an http(s) URL");
        assertThatThrownBy(() -> start(Map.of("cache.local.redis", "redis://127.0.0.1:6379", "cache.local.levels", "l1")))
                .hasMessageContaining("cache.local.redis is set but cache.local.levels is l1");
        assertThatThrownBy(() -> start(Map.of("cache.orders.levels", "l2", "cache.orders.redis", "redis://127.0.0.1:6379",
                "cache.orders.maximumSize", "5")))
                .hasMessageContaining("cache.orders.maximumSize bounds the L1, but the cache's levels are l2");
        assertThatThrownBy(() -> start(Map.of("cache.orders.redis", "mysql://x")))
                .hasMessageContaining("cache.orders.redis:");
        assertThatThrownBy(() -> start(Map.of("cache.local.tags", "a,,b")))
                .hasMessageContaining("cache.local.tags");
        assertThatThrownBy(() -> start(Map.of("cache.local.color", "red")))
                .hasMessageContaining("cache.local.color");
    }
}
