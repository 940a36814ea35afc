package io.bulwark.cli;

import io.bulwark.core.json.Json;
import io.bulwark.server.BulwarkServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code bulwark nodes ...} and {@code bulwark locks ...} against a real server. */
class ClusterCommandsTest {

    @TempDir
    Path dir;

    private BulwarkServer server;
    private Map<String, String> env;

    @BeforeEach
    void start() {
        var config = CliServers.config(dir, Map.of("cluster.heartbeat", "200ms", "node.name", "web-1"));
        server = BulwarkServer.builder(config).configuredStore().build().start();
        env = Map.of("BULWARK_URL", server.uri().toString());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void nodesListAndShowTheFleet() throws Exception {
        String id = server.identity().id();
        await().atMost(Duration.ofSeconds(10)).until(() -> CliRun.run(env, "nodes", "list").out().contains("term "));
        CliRun list = CliRun.run(env, "nodes", "list");
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out()).contains(id).contains("both").contains("alive").contains("all");
        CliRun show = CliRun.run(env, "nodes", "show", id, "-o", "json");
        assertThat(Json.mapper().readTree(show.out()).get("name").asText()).isEqualTo("web-1");
        CliRun missing = CliRun.run(env, "nodes", "drain", "nope-1");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("no live node has the id nope-1");
    }

    @Test
    void locksAreAcquiredListedAndReleasedByToken() throws Exception {
        CliRun acquired = CliRun.run(env, "locks", "acquire", "nightly", "--ttl", "1m", "--owner", "ops", "-o", "json");
        assertThat(acquired.exit()).as(acquired.err()).isZero();
        long token = Json.mapper().readTree(acquired.out()).get("token").asLong();
        CliRun taken = CliRun.run(env, "locks", "acquire", "nightly");
        assertThat(taken.exit()).isEqualTo(1);
        assertThat(taken.err()).contains("held by ops");
        assertThat(CliRun.run(env, "locks", "list").out()).contains("nightly").contains("ops").contains(String.valueOf(token));
        CliRun stale = CliRun.run(env, "locks", "release", "nightly", "--token", String.valueOf(token + 1));
        assertThat(stale.exit()).isEqualTo(1);
        CliRun released = CliRun.run(env, "locks", "release", "nightly", "--token", String.valueOf(token));
        assertThat(released.exit()).as(released.err()).isZero();
        assertThat(released.out()).contains("Released nightly");
        CliRun badTtl = CliRun.run(env, "locks", "acquire", "nightly", "--ttl", "5ms");
        assertThat(badTtl.exit()).as("bad input exits 2").isEqualTo(2);
        assertThat(badTtl.err()).contains("ttl");
    }
}
