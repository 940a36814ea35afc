package io.bulwark.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.core.config.BulwarkConfig;
import io.bulwark.core.json.Json;
import io.bulwark.test.db.TestDatabase;
import io.bulwark.test.services.LocalService;
import io.bulwark.test.services.RequiresService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes on one PostgreSQL schema: an action sent to the node that does not lead races the
 * leader's timer, and wins. The leader is held in the middle of an advance (its driver's reload
 * command waits for a file the test creates), the abort goes to the other node, then the leader is
 * let go: its write is refused (compare-and-set on the rollout's version), it does not overwrite
 * the abort, and it puts its driver back at the stored weight.
 *
 * <p>The driver is the real {@code nginx} driver writing a real upstream file; its reload command
 * is a shell line (no nginx needed) that waits for the gate when the file asks for weight 50.
 */
@RequiresService(LocalService.POSTGRESQL)
class RolloutFencingPostgresTest {

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
        Map<String, String> flags = new HashMap<>(Map.of("log.access", "false", "node.name", "node-" + node,
                "store.url", db.url(), "store.user", db.user(), "rollouts.interval", "50ms"));
        return TestServers.config(dir.resolve(node), flags);
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
    void anAbortSentToTheNodeThatDoesNotLeadWinsOverTheLeadersAdvance() throws Exception {
        await().atMost(Duration.ofSeconds(15)).until(() -> leaderOf(a) != null && leaderOf(a).equals(leaderOf(b)));
        BulwarkServer leader = leaderOf(a).equals(a.identity().id()) ? a : b;
        BulwarkServer other = leader == a ? b : a;
        Http toLeader = new Http(leader.uri());
        Http toOther = new Http(other.uri());

        Path upstream = dir.resolve("upstream.conf");
        Path arrived = dir.resolve("arrived");
        Path release = dir.resolve("release");
        String gate = "grep -q 'bulwark-weight: 50$' '%s' && { touch '%s'; while [ ! -e '%s' ]; do sleep 0.01; done; }; exit 0"
                .formatted(upstream, arrived, release);
        Map<String, Object> driver = new LinkedHashMap<>();
        driver.put("type", "nginx");
        driver.put("config", upstream.toString());
        driver.put("upstream", "app");
        driver.put("stable", "127.0.0.1:8081");
        driver.put("canary", "127.0.0.1:8082");
        driver.put("reload", List.of("sh", "-c", gate));
        driver.put("check", "none");
        String definition = """
                {"name": "shop", "driver": %s,
                 "strategy": {"canary": {"steps": [{"setWeight": 10}, {"pause": {"duration": "200ms"}},
                   {"setWeight": 50}, {"pause": {}}, {"setWeight": 100}]}}}""".formatted(Json.mapper().writeValueAsString(driver));
        Http.Response created = toLeader.send("POST", "/api/v1/rollouts", definition, Map.of());
        assertThat(created.status()).as(created.body()).isEqualTo(201);

        // The leader's timer ends the pause and sets weight 50: its reload waits at the gate, mid-advance.
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(arrived));
        JsonNode before = toOther.get("/api/v1/rollouts/shop").json();
        assertThat(before.path("weight").asInt()).as("the leader has not written its advance").isEqualTo(10);

        Http.Response aborted = toOther.send("POST", "/api/v1/rollouts/shop/abort?reason=pager", "", Map.of());
        assertThat(aborted.status()).as(aborted.body()).isEqualTo(200);
        assertThat(aborted.json().path("phase").asText()).isEqualTo("DEGRADED");
        assertThat(Files.readString(upstream)).contains("bulwark-weight: 0");

        Files.createFile(release); // the leader's advance goes on, and tries to write weight 50, paused

        // Twenty and more leader ticks later the abort stands, on both nodes, and the driver is back at 0.
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> {
            JsonNode s = toLeader.get("/api/v1/rollouts/shop").json();
            JsonNode t = toOther.get("/api/v1/rollouts/shop").json();
            return s.path("phase").asText().equals("DEGRADED") && s.path("weight").asInt() == 0
                    && s.equals(t) && Files.readString(upstream).contains("bulwark-weight: 0");
        });
        JsonNode after = toLeader.get("/api/v1/rollouts/shop").json();
        assertThat(after.path("message").asText()).contains("pager");
        assertThat(after.path("history").findValuesAsText("weight")).as("the leader's advance to 50 was never written")
                .doesNotContain("50");
        // Events are published by the node that made the transition, once it is written: the abort on the other
        // node; the leader's dropped advance published nothing.
        assertThat(toOther.get("/api/v1/events?kind=rollout.").body()).contains("rollout.degraded").contains("aborted: pager");
        assertThat(toLeader.get("/api/v1/events?kind=rollout.").body()).doesNotContain("weight 50");
    }

    private static String leaderOf(BulwarkServer s) {
        JsonNode leader = new Http(s.uri()).get("/api/v1/cluster").json().path("leader");
        return leader.hasNonNull("holder") ? leader.get("holder").asText() : null;
    }
}
