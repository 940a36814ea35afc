package io.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.bulwark.core.json.Json;
import io.bulwark.server.BulwarkServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code bulwark cache ...} against a real server with two L1 caches, one warmed from a local HTTP snapshot. */
class CacheCommandsTest {

    @TempDir
    Path dir;

    private BulwarkServer server;
    private HttpServer snapshot;
    private Map<String, String> env;

    @BeforeEach
    void start() throws Exception {
        snapshot = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        snapshot.createContext("/products", ex -> {
            StringBuilder json = new StringBuilder("{");
            for (int i = 0; i < 250; i++) {
                json.append(i == 0 ? "" : ",").append("\"sku-").append(i).append("\": {\"price\": ").append(i).append('}');
            }
            byte[] body = json.append('}').toString().getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        snapshot.start();
        var config = CliServers.config(dir, Map.of("jobs.worker", "false", "cache.sessions.levels", "l1",
                "cache.sessions.tags", "web", "cache.sessions.ttl", "30m",
                "cache.products.levels", "l1", "cache.products.maximumSize", "500",
                "cache.products.warmUrl", "http://127.0.0.1:" + snapshot.getAddress().getPort() + "/products"));
        server = BulwarkServer.builder(config).build().start();
        env = Map.of("BULWARK_URL", server.uri().toString());
    }

    @AfterEach
    void stop() {
        server.close();
        snapshot.stop(0);
    }

    @Test
    void entriesArePutReadInvalidatedAndTheCachesListedAndShown() throws Exception {
        CliRun put = CliRun.run(env, "cache", "put", "sessions", "user 42", "{\"name\": \"Ada\"}", "--ttl", "5m",
                "--tag", "admins");
        assertThat(put.exit()).as(put.err()).isZero();
        assertThat(put.out()).contains("Put user 42 in cache sessions (ttl 5m, tags web,admins)");
        CliRun.run(env, "cache", "put", "sessions", "a/b", "[1, 2]");

        CliRun get = CliRun.run(env, "cache", "get", "sessions", "user 42");
        assertThat(get.exit()).as(get.err()).isZero();
        assertThat(Json.mapper().readTree(get.out()).get("name").asText()).isEqualTo("Ada");
        assertThat(CliRun.run(env, "cache", "get", "sessions", "a/b").out()).contains("1").contains("2");

        CliRun list = CliRun.run(env, "cache", "list");
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out()).contains("NAME").contains("L1 HITS").contains("products").contains("never")
                .containsPattern("sessions +l1 +UP +30m +2 +100.0%");

        CliRun show = CliRun.run(env, "cache", "show", "sessions");
        assertThat(show.exit()).as(show.err()).isZero();
        assertThat(show.out()).contains("levels").contains("tags").contains("web").contains("FIGURE")
                .containsPattern("hits +2").contains("evictionsByCause").contains("size=0");
        JsonNode json = Json.mapper().readTree(CliRun.run(env, "cache", "show", "sessions", "-o", "json").out());
        assertThat(json.get("stats").get("l1").get("size").asLong()).isEqualTo(2);

        CliRun byTag = CliRun.run(env, "cache", "invalidate", "sessions", "--tag", "admins");
        assertThat(byTag.out()).contains("Invalidated 0 keys and 1 tag in cache sessions");
        CliRun gone = CliRun.run(env, "cache", "get", "sessions", "user 42");
        assertThat(gone.exit()).isEqualTo(1);
        assertThat(gone.err()).contains("404").contains("holds no key 'user 42'");
        CliRun.run(env, "cache", "invalidate", "sessions", "--all");
        assertThat(CliRun.run(env, "cache", "get", "sessions", "a/b").exit()).isEqualTo(1);
    }

    @Test
    void warmFollowsTheWarmUpToItsEnd() throws Exception {
        CliRun warm = CliRun.run(env, "cache", "warm", "products");
        assertThat(warm.exit()).as(warm.err()).isZero();
        assertThat(warm.out()).contains("Warmed cache products: done: 250 of 250 keys loaded, 0 failed");
        assertThat(Json.mapper().readTree(CliRun.run(env, "cache", "get", "products", "sku-7").out()).get("price").asInt())
                .isEqualTo(7);
        assertThat(CliRun.run(env, "cache", "show", "products").out()).contains("last warm-up").contains("done: 250 of 250");

        CliRun none = CliRun.run(env, "cache", "warm", "sessions");
        assertThat(none.exit()).isEqualTo(1);
        assertThat(none.err()).contains("409").contains("cache.sessions.warmUrl");
    }

    @Test
    void badInputIsAUsageErrorWithAMessage() {
        CliRun notJson = CliRun.run(env, "cache", "put", "sessions", "k", "{price: 10");
        assertThat(notJson.exit()).isEqualTo(2);
        assertThat(notJson.err()).contains("JSON is not valid JSON");
        CliRun nullValue = CliRun.run(env, "cache", "put", "sessions", "k", "null");
        assertThat(nullValue.exit()).isEqualTo(2);
        assertThat(nullValue.err()).contains("other than null");
        CliRun badTtl = CliRun.run(env, "cache", "put", "sessions", "k", "1", "--ttl", "soon");
        assertThat(badTtl.exit()).as("the server's 400").isEqualTo(2);
        assertThat(badTtl.err()).contains("ttl");
        CliRun nothing = CliRun.run(env, "cache", "invalidate", "sessions");
        assertThat(nothing.exit()).isEqualTo(2);
        assertThat(nothing.err()).contains("--key KEY, --tag TAG");
        CliRun both = CliRun.run(env, "cache", "invalidate", "sessions", "--all", "--key", "k");
        assertThat(both.exit()).isEqualTo(2);
        CliRun badTimeout = CliRun.run(env, "cache", "warm", "products", "--timeout", "later");
        assertThat(badTimeout.exit()).isEqualTo(2);
        CliRun unknown = CliRun.run(env, "cache", "show", "nope");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("no cache named 'nope'");
        CliRun missingArg = CliRun.run(env, "cache", "get", "sessions");
        assertThat(missingArg.exit()).isEqualTo(2);
    }
}
