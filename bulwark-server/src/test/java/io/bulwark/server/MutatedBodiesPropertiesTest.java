package io.bulwark.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bulwark.core.json.Json;
import io.bulwark.jobs.store.InMemoryJobStore;
import io.bulwark.server.internal.jobs.QueuePersistence;
import io.bulwark.test.http.FlakyServer;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Drives every POST and PUT route that takes a JSON body with mutations of a valid body: type
 * swaps, extremes, deep nesting, odd Unicode, missing and unknown fields, bodies that are not
 * objects. Whatever is sent, the server never answers 5xx, every 4xx is problem+json, and a
 * validation problem names each field it refuses.
 *
 * <p>A case is a route and a seed; the seed drives the mutations, so a failure's seed replays it.
 */
class MutatedBodiesPropertiesTest {

    private static final String ADMIN = "fuzz-admin-key-0123456789abcdef0123456789";
    private static final String LONE_SURROGATE = "@@LONE@@";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private record Route(String method, String path, String seed) {
    }

    private static final String BACKOFF = "{\"base\":\"1s\",\"factor\":2,\"cap\":\"1m\"}";
    private static final String JOB = "{\"type\":\"builtin.noop\",\"queue\":\"fuzz\",\"priority\":3,\"delay\":\"1s\","
            + "\"maxAttempts\":3,\"backoff\":" + BACKOFF + ",\"timeout\":\"1m\",\"idempotencyKey\":\"k1\","
            + "\"tags\":[\"a\"],\"payload\":{\"x\":1}}";
    private static final String BREAKER = "{\"windowType\":\"count\",\"windowSize\":10,\"minimumCalls\":5,"
            + "\"failureRateThreshold\":50,\"slowCallRateThreshold\":90,\"slowCallDuration\":\"2s\",\"consecutiveFailures\":3,"
            + "\"waitInOpen\":\"1s\",\"waitMultiplier\":2,\"maxWait\":\"10s\",\"halfOpenProbes\":1,\"successesToClose\":1,"
            + "\"probeTimeout\":\"5s\",\"shared\":false}";
    private static final String DEGRADATION = "{\"triggers\":[\"breaker-open\"],\"errorRatePercent\":50,"
            + "\"latencyThreshold\":\"5s\",\"window\":\"1m\",\"minimumCalls\":10,\"actions\":[\"fallback\",\"default\",\"error\"],"
            + "\"maxStaleness\":\"5m\",\"defaultStatus\":200,\"defaultBody\":\"{}\"}";

    private static FlakyServer upstream;
    private static BulwarkServer server;
    private static Http http;
    private static Path dir;
    private static List<Route> routes;

    @BeforeContainer
    static void start() throws IOException {
        dir = Files.createTempDirectory("bulwark-fuzz");
        upstream = FlakyServer.start("fuzz-upstream");
        upstream.succeed("ok");
        server = BulwarkServer.builder(TestServers.config(dir, Map.of("log.access", "false", "auth.adminKey", ADMIN,
                        "providers.up.group", "llm", "providers.up.baseUrl", upstream.uri().toString())))
                .jobStore(new InMemoryJobStore(InstantSource.system()), QueuePersistence.none())
                .build().start();
        http = new Http(server.uri());
        String provider = "{\"name\":\"p2\",\"baseUrl\":\"" + upstream.uri() + "\",\"timeout\":\"5s\",\"weight\":2,"
                + "\"capacity\":10,\"maxWait\":\"0s\",\"retry\":\"default\",\"breaker\":" + BREAKER
                + ",\"limits\":\"100/1m\",\"costLimits\":\"1000/1m\"}";
        String group = "{\"name\":\"g2\",\"strategy\":\"round-robin\",\"providers\":[" + provider + "],"
                + "\"fallbackChain\":[\"p2\"],\"degradation\":" + DEGRADATION + "}";
        routes = List.of(
                new Route("POST", "/api/v1/jobs", JOB),
                new Route("POST", "/api/v1/jobs/batch", "{\"jobs\":[" + JOB + "]}"),
                new Route("PUT", "/api/v1/queues/fuzz", "{\"concurrency\":2,\"ratePerSecond\":1.5,\"burst\":2,\"maxSize\":1000,"
                        + "\"priority\":3,\"maxAttempts\":3,\"backoff\":" + BACKOFF + ",\"timeout\":\"1m\",\"paused\":true}"),
                new Route("POST", "/api/v1/queues/fuzz/dead/retry", "{\"ids\":[\"0190f7d6-6c3e-7a3b-9d2e-1b2c3d4e5f60\"]}"),
                new Route("POST", "/api/v1/keys", "{\"name\":\"fuzz\",\"role\":\"viewer\"}"),
                new Route("PUT", "/api/v1/loggers/fuzz.logger", "{\"level\":\"info\"}"),
                new Route("PUT", "/api/v1/rate-limits", "{\"endpoints\":{\"fuzz\":{\"route\":\"GET /api/v1/never\","
                        + "\"limits\":\"1000/1s\",\"algorithm\":\"token-bucket\",\"key\":\"ip\",\"bypass\":\"admin\"}}}"),
                new Route("PUT", "/api/v1/retry-configs", "{\"retryConfigs\":{\"r\":{\"maxAttempts\":3,\"baseDelay\":\"100ms\","
                        + "\"factor\":2,\"maxDelay\":\"5s\",\"maxDuration\":\"20s\",\"retryOnStatuses\":[500],"
                        + "\"maxRetryAfter\":\"30s\",\"budgetPercent\":20,\"budgetMinPerSecond\":1,\"budgetWindow\":\"10s\"}}}"),
                new Route("PUT", "/api/v1/providers", "{\"groups\":[" + group.replace("g2", "llm")
                        .replace("\"p2\"", "\"up\"") + "]}"),
                new Route("PUT", "/api/v1/providers/g2", group),
                new Route("POST", "/api/v1/degradation/llm/enter", "{\"reason\":\"fuzz\"}"));
    }

    @AfterContainer
    static void stop() {
        server.close();
        upstream.close();
    }

    @Property(tries = 1200)
    void noMutatedBodyGetsA5xxAndEveryRefusalIsAProblemNamingItsFields(@ForAll @IntRange(min = 0, max = 10) int route,
                                                                       @ForAll long seed) {
        Route r = routes.get(route);
        Random random = new Random(seed);
        String body = mutate(r.seed(), random);
        Http.Response res = http.send(r.method(), r.path(), body, Map.of("Authorization", "Bearer " + ADMIN));

        String what = r.method() + " " + r.path() + " seed " + seed + " body " + abbreviate(body) + " -> " + res.body();
        assertThat(res.status()).as(what).isLessThan(500);
        if (res.status() >= 400) {
            assertThat(res.header("Content-Type")).as(what).isEqualTo("application/problem+json");
            JsonNode p = res.json();
            assertThat(p.get("status").asInt()).as(what).isEqualTo(res.status());
            assertThat(p.get("detail").asText()).as(what).isNotBlank();
            if (p.get("type").asText().endsWith(":validation")) {
                assertThat(p.get("errors")).as(what).isNotEmpty();
                for (JsonNode e : p.get("errors")) {
                    assertThat(e.get("field").asText()).as(what).isNotBlank();
                    assertThat(e.get("message").asText()).as(what).isNotBlank();
                }
            }
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "...(" + s.length() + " chars)";
    }

    static String mutate(String seed, Random random) {
        JsonNode root;
        try {
            root = Json.mapper().readTree(seed);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (random.nextInt(20) == 0) {
            root = oddValue(random);
        } else {
            int n = 1 + random.nextInt(3);
            for (int i = 0; i < n; i++) {
                root = mutateOnce(root, random);
            }
        }
        String text = root.toString();
        return text.replace(LONE_SURROGATE, "\\ud800");
    }

    /** Replaces, removes or adds one field somewhere in the tree. */
    private static JsonNode mutateOnce(JsonNode root, Random random) {
        List<JsonNode> containers = new ArrayList<>();
        collect(root, containers);
        if (containers.isEmpty()) {
            return oddValue(random);
        }
        JsonNode target = containers.get(random.nextInt(containers.size()));
        if (target instanceof ObjectNode o) {
            List<String> names = new ArrayList<>();
            for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
                names.add(it.next());
            }
            int kind = random.nextInt(6);
            if (names.isEmpty() || kind == 0) {
                o.set(random.nextBoolean() ? "unknownField" : "x" + LONE_SURROGATE, oddValue(random));
            } else if (kind == 1) {
                o.remove(names.get(random.nextInt(names.size())));
            } else {
                o.set(names.get(random.nextInt(names.size())), oddValue(random));
            }
        } else if (target instanceof ArrayNode a) {
            if (a.isEmpty() || random.nextBoolean()) {
                a.add(oddValue(random));
            } else {
                a.set(random.nextInt(a.size()), oddValue(random));
            }
        }
        return root;
    }

    private static void collect(JsonNode node, List<JsonNode> out) {
        if (node.isContainerNode()) {
            out.add(node);
            node.forEach(child -> collect(child, out));
        }
    }

    private static JsonNode oddValue(Random random) {
        return switch (random.nextInt(30)) {
            case 0 -> NODES.nullNode();
            case 1 -> NODES.booleanNode(random.nextBoolean());
            case 2 -> NODES.numberNode(random.nextInt());
            case 3 -> NODES.numberNode(-0.5);
            case 4 -> NODES.numberNode(9.99);
            case 5 -> NODES.numberNode(new BigInteger("99999999999999999999999"));
            case 6 -> NODES.numberNode(Long.MAX_VALUE);
            case 7 -> NODES.numberNode(Double.MAX_VALUE);
            case 8 -> NODES.numberNode(new java.math.BigDecimal("1e400"));
            case 9 -> NODES.numberNode(new java.math.BigDecimal("-1e400"));
            case 10 -> NODES.numberNode(0);
            case 11 -> NODES.numberNode(-1);
            case 12 -> NODES.textNode("");
            case 13 -> NODES.textNode("str");
            case 14 -> NODES.textNode("99999999999d");
            case 15 -> NODES.textNode("+999999999-12-31T23:59:59Z");
            case 16 -> NODES.textNode("-999999999-01-01T00:00:00Z");
            case 17 -> NODES.textNode("line\r\nINFO forged");
            case 18 -> NODES.textNode("x".repeat(1 + random.nextInt(5000)));
            case 19 -> NODES.textNode("\uD83D\uDE00 é " + LONE_SURROGATE);
            case 20 -> NODES.textNode("PT-1S");
            case 21 -> NODES.textNode("1e300");
            case 22 -> NODES.arrayNode();
            case 23 -> NODES.arrayNode().add(NODES.nullNode());
            case 24 -> NODES.objectNode();
            case 25 -> deep(random.nextInt(200));
            case 26 -> NODES.textNode("0s");
            case 27 -> NODES.textNode("admin");
            case 28 -> NODES.textNode("../../etc");
            default -> NODES.numberNode(random.nextDouble() * 1e12);
        };
    }

    private static JsonNode deep(int depth) {
        JsonNode node = NODES.numberNode(1);
        for (int i = 0; i < depth; i++) {
            node = i % 2 == 0 ? NODES.arrayNode().add(node) : NODES.objectNode().set("a", node);
        }
        return node;
    }
}
