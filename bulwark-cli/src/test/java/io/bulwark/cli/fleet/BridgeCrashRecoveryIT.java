package io.bulwark.cli.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.cli.ChildJvm;
import io.bulwark.messaging.Outgoing;
import io.bulwark.messaging.Published;
import io.bulwark.messaging.redis.RedisStreamsBroker;
import io.bulwark.test.services.LocalService;
import io.bulwark.test.services.RequiresService;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * 10,000 messages through a bridge from Redis Streams into jobs, {@code kill -9} of
 * {@code bulwark serve} on the embedded store mid-stream, then a restart on the same data
 * directory: exactly one job per message (its idempotency key names the message), all completed.
 * The messages the killed process had fetched but not acknowledged come back to the restarted one
 * after the claim time, and the keys absorb those whose jobs were already in the store.
 */
@RequiresService(LocalService.REDIS)
class BridgeCrashRecoveryIT {

    private static final int MESSAGES = 10_000;

    @TempDir
    Path dataDir;

    private final List<FleetNode> nodes = new ArrayList<>();
    private final String topic = "crash-" + UUID.randomUUID().toString().substring(0, 8);

    @AfterEach
    void stop() {
        nodes.forEach(FleetNode::destroy);
        RedisClient client = RedisClient.create("redis://127.0.0.1:6379");
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            c.sync().keys("bulwark:msg:" + topic + "*").forEach(k -> c.sync().del(k));
        } finally {
            client.shutdown();
        }
    }

    private FleetNode serve() throws IOException {
        List<String> cmd = ChildJvm.bulwark("serve", "--port", "0",
                "--data-dir", dataDir.toString(), "--log.access=false", "--jobs.pollInterval=50ms",
                "--messaging.connections.bus.type=redis-streams", "--messaging.connections.bus.url=redis://127.0.0.1:6379",
                "--messaging.bridges.in.connection=bus", "--messaging.bridges.in.topic=" + topic,
                "--messaging.bridges.in.type=builtin.noop", "--messaging.bridges.in.queue=bridged",
                "--messaging.bridges.in.concurrency=16", "--messaging.bridges.in.claimAfter=3s");
        FleetNode node = FleetNode.launch("serve", FleetNode.Kind.SERVE, dataDir, cmd).awaitReady(Duration.ofSeconds(90));
        nodes.add(node);
        return node;
    }

    @Test
    void everyMessageBecomesExactlyOneCompletedJobAcrossAKill9AndRestart() throws Exception {
        // All published before the node starts: its bridge then meets a backlog, and the kill lands in it.
        Set<String> ids = new HashSet<>();
        try (RedisStreamsBroker broker = RedisStreamsBroker.builder("redis://127.0.0.1:6379").build()) {
            for (int batch = 0; batch < MESSAGES / 500; batch++) {
                int base = batch * 500;
                List<Published> sent = broker.publishAll(topic, IntStream.range(base, base + 500)
                        .mapToObj(i -> Outgoing.json(Map.of("n", i)).build()).toList());
                sent.forEach(p -> ids.add(p.id()));
            }
        }
        FleetNode first = serve();
        FleetApi api = new FleetApi(first.url());
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50))
                .until(() -> total(api) >= MESSAGES / 4);
        long before = total(api);
        first.kill9();
        System.out.printf("killed with %d jobs enqueued%n", before);
        assertThat(before).as("killed mid-stream").isLessThan(MESSAGES);

        FleetApi again = new FleetApi(serve().url());
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(250))
                .until(() -> again.count("bridged", "completed") == MESSAGES);
        Map<String, JsonNode> jobs = again.jobs("bridged");
        assertThat(jobs).hasSize(MESSAGES);
        Set<String> keys = new HashSet<>();
        jobs.values().forEach(j -> keys.add(j.get("idempotencyKey").asText()));
        assertThat(keys).as("one job per message, keyed by its id")
                .containsExactlyInAnyOrderElementsOf(ids.stream().map(id -> "msg:bus:" + topic + ":" + id).toList());
    }

    private static long total(FleetApi api) {
        try {
            JsonNode counts = api.get("/api/v1/queues/bridged").get("counts");
            long n = 0;
            for (var e : counts.properties()) {
                n += e.getValue().asLong();
            }
            return n;
        } catch (Exception e) {
            return 0;
        }
    }
}
