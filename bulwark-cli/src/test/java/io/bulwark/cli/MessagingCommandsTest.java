package io.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.core.json.Json;
import io.bulwark.server.BulwarkServer;
import io.bulwark.test.services.LocalService;
import io.bulwark.test.services.RequiresService;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code bulwark messaging ...} against a real server with a Redis Streams connection and a bridge. */
@RequiresService(LocalService.REDIS)
class MessagingCommandsTest {

    @TempDir
    Path dir;

    private BulwarkServer server;
    private Map<String, String> env;
    private final String topic = "cli-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void start() {
        server = BulwarkServer.builder(CliServers.config(dir, Map.of("jobs.pollInterval", "50ms", "server.shutdown.grace", "1s",
                "messaging.connections.bus.type", "redis-streams", "messaging.connections.bus.url", "redis://127.0.0.1:6379",
                "messaging.bridges.sleeps.connection", "bus", "messaging.bridges.sleeps.topic", topic,
                "messaging.bridges.sleeps.type", "builtin.sleep"))).configuredStore().build().start();
        env = Map.of("BULWARK_URL", server.uri().toString());
    }

    @AfterEach
    void stop() {
        server.close();
        RedisClient client = RedisClient.create("redis://127.0.0.1:6379");
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            c.sync().keys("bulwark:msg:" + topic + "*").forEach(k -> c.sync().del(k));
        } finally {
            client.shutdown();
        }
    }

    @Test
    void connectionsAndBridgesAreListedAMessageIsPublishedAndADeadLetterRedriven() throws Exception {
        CliRun list = CliRun.run(env, "messaging", "list");
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out()).containsPattern("bus\\s+redis-streams\\s+redis://127.0.0.1:6379\\s+yes")
                .containsPattern("sleeps\\s+bus\\s+" + topic + "\\s+sleeps\\s+job builtin.sleep on default\\s+yes");

        CliRun good = CliRun.run(env, "messaging", "publish", "bus", topic, "{\"ms\": 1}", "--header", "source=cli");
        assertThat(good.exit()).as(good.err()).isZero();
        assertThat(good.out()).startsWith("Published ").contains(" to " + topic);
        CliRun bad = CliRun.run(env, "messaging", "publish", "bus", topic, "{\"millis\": 5}");
        assertThat(bad.exit()).as(bad.err()).isZero();
        String badId = bad.out().split(" ")[1];

        await().atMost(Duration.ofSeconds(20)).until(() -> CliRun.run(env, "messaging", "dead", "bus", topic).out().contains(badId));
        CliRun dead = CliRun.run(env, "messaging", "dead", "bus", topic);
        assertThat(dead.out()).contains("rejected: the message is not a payload of builtin.sleep").contains("millis");
        JsonNode json = Json.mapper().readTree(CliRun.run(env, "messaging", "dead", "bus", topic, "-o", "json").out());
        assertThat(json.get("items")).hasSize(1);

        CliRun redrive = CliRun.run(env, "messaging", "redrive", "bus", topic);
        assertThat(redrive.exit()).as(redrive.err()).isZero();
        assertThat(redrive.out()).isEqualTo("Redrove 1 dead letter(s) of " + topic + System.lineSeparator());

        CliRun noSuch = CliRun.run(env, "messaging", "publish", "nope", topic, "x");
        assertThat(noSuch.exit()).isEqualTo(1);
        assertThat(noSuch.err()).contains("no messaging connection 'nope'");
        CliRun badHeader = CliRun.run(env, "messaging", "publish", "bus", topic, "x", "--header", "oops");
        assertThat(badHeader.exit()).isEqualTo(2);
        assertThat(badHeader.err()).contains("--header must be NAME=VALUE");
    }

    @Test
    void consumeTakesAtMostCountMessagesAndLeavesTheRestForTheNext() throws Exception {
        CliRun first = CliRun.run(env, "messaging", "consume", "bus", topic + "-c", "--group", "look", "--wait", "0s");
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.err()).contains("0 message(s)").contains("the wait of 0s ran out");
        for (int i = 1; i <= 3; i++) {
            CliRun p = CliRun.run(env, "messaging", "publish", "bus", topic + "-c", "{\"n\":" + i + "}", "--key", "k" + i,
                    "--header", "h=v" + i);
            assertThat(p.exit()).as(p.err()).isZero();
        }

        CliRun two = CliRun.run(env, "messaging", "consume", "bus", topic + "-c", "--group", "look", "--count", "2");
        assertThat(two.exit()).as(two.err()).isZero();
        assertThat(two.out().lines()).hasSize(2);
        assertThat(two.out()).contains("key=k1  content-type=application/json  h=v1  {\"n\":1}").contains("{\"n\":2}");
        CliRun rest = CliRun.run(env, "messaging", "consume", "bus", topic + "-c", "--group", "look", "--count", "5",
                "--wait", "1s", "-o", "json");
        assertThat(rest.exit()).as(rest.err()).isZero();
        assertThat(com.fasterxml.jackson.databind.json.JsonMapper.builder().build().readTree(rest.out())
                .path("messages")).singleElement().satisfies(m -> {
                    assertThat(m.path("body").path("n").asInt()).isEqualTo(3);
                    assertThat(m.path("deliveries").asInt()).isEqualTo(1);
                });

        CliRun bad = CliRun.run(env, "messaging", "consume", "bus", topic + "-c", "--count", "0");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("count").contains("1 to 1000");
        CliRun badWait = CliRun.run(env, "messaging", "consume", "bus", topic + "-c", "--wait", "6m");
        assertThat(badWait.exit()).isEqualTo(2);
        assertThat(badWait.err()).contains("wait");
    }
}
