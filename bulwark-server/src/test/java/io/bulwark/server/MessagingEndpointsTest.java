package io.bulwark.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.test.services.LocalService;
import io.bulwark.test.services.RequiresService;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** {@code messaging.*} config, bridges into jobs and {@code /api/v1/messaging} on a real server and the local Redis. */
@RequiresService(LocalService.REDIS)
class MessagingEndpointsTest {

    @TempDir
    Path dir;

    private BulwarkServer server;
    private Http http;
    private final String topic = "orders-" + UUID.randomUUID().toString().substring(0, 8);
    private final String queue = "q" + UUID.randomUUID().toString().substring(0, 8);

    private void start(Map<String, String> flags) {
        Map<String, String> all = new HashMap<>(Map.of("log.access", "false", "server.shutdown.grace", "1s",
                "jobs.pollInterval", "50ms", "messaging.connections.bus.type", "redis-streams",
                "messaging.connections.bus.url", "redis://127.0.0.1:6379"));
        all.putAll(flags);
        server = BulwarkServer.builder(TestServers.config(dir, all)).configuredStore().build().start();
        http = new Http(server.uri());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        RedisClient client = RedisClient.create("redis://127.0.0.1:6379");
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            c.sync().keys("bulwark:msg:" + topic + "*").forEach(k -> c.sync().del(k));
        } finally {
            client.shutdown();
        }
    }

    private Map<String, String> bridge() {
        return Map.of("messaging.bridges.orders.connection", "bus", "messaging.bridges.orders.topic", topic,
                "messaging.bridges.orders.type", "builtin.echo", "messaging.bridges.orders.queue", queue);
    }

    @Test
    void aBridgeTurnsEachPublishedMessageIntoOneJobKeyedByTheMessageId() {
        start(bridge());
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            Http.Response r = http.send("POST", "/api/v1/messaging/bus/publish",
                    "{\"topic\": \"" + topic + "\", \"message\": {\"n\": " + i + "}, \"headers\": {\"source\": \"test\"}}", Map.of());
            assertThat(r.status()).as(r.body()).isEqualTo(201);
            ids.add(r.json().get("id").asText());
        }
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() ->
                http.get("/api/v1/jobs?queue=" + queue + "&state=completed&limit=100").json().get("items").size() == 20);
        JsonNode jobs = http.get("/api/v1/jobs?queue=" + queue + "&limit=100").json().get("items");
        assertThat(jobs).hasSize(20);
        Set<String> keys = new HashSet<>();
        jobs.forEach(j -> keys.add(j.get("idempotencyKey").asText()));
        assertThat(keys).containsExactlyInAnyOrderElementsOf(ids.stream().map(id -> "msg:bus:" + topic + ":" + id).toList());
        assertThat(jobs.get(0).get("type").asText()).isEqualTo("builtin.echo");
        assertThat(jobs.get(0).get("payload").toString()).contains("\"n\"");

        JsonNode list = http.get("/api/v1/messaging").json().get("connections").get(0);
        assertThat(list.get("name").asText()).isEqualTo("bus");
        assertThat(list.get("type").asText()).isEqualTo("redis-streams");
        assertThat(list.get("up").asBoolean()).isTrue();
        assertThat(list.get("bridges").get(0).get("target").asText()).isEqualTo("job builtin.echo on " + queue);
        assertThat(list.get("bridges").get(0).get("running").asBoolean()).isTrue();
        assertThat(list.get("bridges").get(0).get("lag").asLong()).as("every message was turned into a job").isZero();
        assertThat(http.get("/metrics").body()).containsPattern("bulwark_messaging_consumer_lag\\{connection=\"bus\","
                + "group=\"orders\",topic=\"" + topic + "\"} 0.0");
        assertThat(http.get("/health").json().toString()).contains("\"messaging\"");
    }

    @Test
    void aMessageThatCannotBeAJobGoesToTheDeadLettersAndIsRedrivenOverTheApi() {
        start(Map.of("messaging.bridges.orders.connection", "bus", "messaging.bridges.orders.topic", topic,
                "messaging.bridges.orders.type", "builtin.sleep", "messaging.bridges.orders.queue", queue));
        Http.Response r = http.send("POST", "/api/v1/messaging/bus/publish",
                "{\"topic\": \"" + topic + "\", \"message\": \"not json at all\"}", Map.of());
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        // builtin.sleep's payload must be {"ms": n}: a text body is a payload no job of that type takes
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() ->
                http.get("/api/v1/messaging/bus/dead?topic=" + topic).json().get("items").size() == 1);
        JsonNode dead = http.get("/api/v1/messaging/bus/dead?topic=" + topic).json().get("items").get(0);
        assertThat(dead.get("body").asText()).isEqualTo("not json at all");
        assertThat(dead.get("reason").asText()).isNotBlank();

        Http.Response redriven = http.send("POST", "/api/v1/messaging/bus/dead/redrive", "{\"topic\": \"" + topic + "\"}",
                Map.of());
        assertThat(redriven.status()).as(redriven.body()).isEqualTo(200);
        assertThat(redriven.json().get("redriven").asInt()).isEqualTo(1);
    }

    @Test
    void aPipelineStepPublishesItsResultWhichABridgeTurnsIntoAJob() {
        start(bridge());
        String def = """
                {"id": "notify", "steps": [{"id": "make", "type": "builtin.echo", "input": {"total": "${input.total}"}},
                 {"id": "send", "type": "builtin.publish", "after": ["make"],
                  "input": {"connection": "bus", "topic": "%s", "message": "${steps.make.output}", "key": "k1"}}]}"""
                .formatted(topic);
        assertThat(http.send("POST", "/api/v1/pipelines", def, Map.of()).status()).isEqualTo(201);
        String run = http.send("POST", "/api/v1/pipelines/notify/runs", "{\"input\": {\"total\": 42}}", Map.of()).json()
                .get("id").asText();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() ->
                http.get("/api/v1/jobs?queue=" + queue + "&state=completed").json().get("items").size() == 1);
        JsonNode bridged = http.get("/api/v1/jobs?queue=" + queue).json().get("items").get(0);
        assertThat(bridged.get("payload").get("total").asInt()).isEqualTo(42);
        // The run records the publish step's output when it moves on, which may come after the bridged job ran.
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() ->
                http.get("/api/v1/runs/" + run).json().get("steps").get(1).has("output"));
        JsonNode send = http.get("/api/v1/runs/" + run).json().get("steps").get(1);
        assertThat(send.get("output").get("topic").asText()).isEqualTo(topic);
        assertThat(bridged.get("idempotencyKey").asText()).endsWith(send.get("output").get("id").asText());

        Http.Response bad = http.send("POST", "/api/v1/jobs",
                "{\"type\": \"builtin.publish\", \"payload\": {\"topic\": \"t\", \"message\": 1}}", Map.of());
        assertThat(bad.status()).as(bad.body()).isEqualTo(400);
        assertThat(bad.body()).contains("connection");
    }

    @Test
    void badRequestsNameTheField() {
        start(Map.of());
        assertThat(http.send("POST", "/api/v1/messaging/nope/publish", "{\"topic\": \"t\", \"message\": 1}", Map.of()).status())
                .isEqualTo(404);
        Http.Response noTopic = http.send("POST", "/api/v1/messaging/bus/publish", "{\"message\": 1}", Map.of());
        assertThat(noTopic.status()).isEqualTo(400);
        assertThat(noTopic.json().get("errors").get(0).get("field").asText()).isEqualTo("topic");
        Http.Response badDelay = http.send("POST", "/api/v1/messaging/bus/publish",
                "{\"topic\": \"t\", \"message\": 1, \"delay\": \"soon\"}", Map.of());
        assertThat(badDelay.status()).isEqualTo(400);
        Http.Response priority = http.send("POST", "/api/v1/messaging/bus/publish",
                "{\"topic\": \"" + topic + "\", \"message\": 1, \"priority\": 3}", Map.of());
        assertThat(priority.status()).isEqualTo(400);
        assertThat(priority.json().get("errors").get(0).get("field").asText()).isEqualTo("priority");
        assertThat(priority.json().get("errors").get(0).get("message").asText()).contains("redis-streams has no message priorities");
        Http.Response badTopic = http.send("POST", "/api/v1/messaging/bus/publish", "{\"topic\": \"a b\", \"message\": 1}",
                Map.of());
        assertThat(badTopic.status()).isEqualTo(400);
        assertThat(badTopic.json().get("errors").get(0).get("field").asText()).isEqualTo("topic");
    }

    @Test
    void aBadConfigStopsTheStartNamingTheKey() {
        assertThatThrownBy(() -> start(Map.of("messaging.bridges.orders.connection", "elsewhere",
                "messaging.bridges.orders.topic", topic, "messaging.bridges.orders.type", "builtin.echo")))
                .hasMessageContaining("messaging.bridges.orders.connection: no connection 'elsewhere'");
        assertThatThrownBy(() -> start(Map.of("messaging.connections.k.type", "kafka", "messaging.connections.k.url", "x")))
                .hasMessageContaining("messaging.connections.k.type: kafka needs its module");
        assertThatThrownBy(() -> start(Map.of("messaging.bridges.orders.connection", "bus",
                "messaging.bridges.orders.topic", topic)))
                .hasMessageContaining("exactly one of type");
    }
}
