package io.bulwark.server;

import io.bulwark.core.config.BulwarkConfig;
import io.bulwark.test.db.TestDatabase;
import io.bulwark.test.services.LocalService;
import io.bulwark.test.services.RequiresService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two nodes on one PostgreSQL schema: an endpoint rate limit set over node A's API holds on node B
 * within one cluster heartbeat, through the state store both read.
 */
@RequiresService(LocalService.POSTGRESQL)
class SharedRateLimitsAcrossNodesTest {

    @TempDir
    Path dir;

    private TestDatabase db;
    private BulwarkServer a;
    private BulwarkServer b;

    @BeforeEach
    void startTwoNodes() {
        db = TestDatabase.create(LocalService.POSTGRESQL);
        a = BulwarkServer.builder(config("a")).configuredStore().build().start();
        b = BulwarkServer.builder(config("b")).configuredStore().build().start();
    }

    private BulwarkConfig config(String node) {
        return TestServers.config(dir.resolve(node), Map.of("log.access", "false", "node.name", "node-" + node,
                "store.url", db.url(), "store.user", db.user()));
    }

    @AfterEach
    void stop() {
        try {
            for (BulwarkServer s : new BulwarkServer[] {b, a}) {
                if (s != null) {
                    s.close();
                }
            }
        } finally {
            if (db != null) {
                db.close();
            }
        }
    }

    @Test
    void aLimitSetOnOneNodeHoldsOnTheOtherWithinAHeartbeat() {
        Http onA = new Http(a.uri());
        Http onB = new Http(b.uri());
        Http.Response set = onA.send("PUT", "/api/v1/rate-limits", "{\"endpoints\":{\"server\":{\"route\":\"GET /api/v1/server\","
                + "\"limits\":\"2/1m\",\"key\":\"ip\"}}}", Map.of());
        assertThat(set.status()).as(set.body()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> onB.get("/api/v1/rate-limits").body().contains("2/1m"));
        assertThat(onB.get("/api/v1/server").status()).isEqualTo(200);
        assertThat(onB.get("/api/v1/server").status()).isEqualTo(200);
        Http.Response third = onB.get("/api/v1/server");
        assertThat(third.status()).as("node B enforces the limit set on node A").isEqualTo(429);
        assertThat(third.header("Retry-After")).isNotNull();
    }
}
