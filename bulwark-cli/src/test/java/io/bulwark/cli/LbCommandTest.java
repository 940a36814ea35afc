package io.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.core.json.Json;
import io.bulwark.server.BulwarkServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LbCommandTest {

    @TempDir
    Path dir;

    private BulwarkServer server;
    private Map<String, String> env;

    @BeforeEach
    void start() {
        var config = CliServers.config(dir, Map.of(
                "lb.groups.users.endpoints", "http://127.0.0.1:9;id=one;weight=2, http://127.0.0.2:9;id=two",
                "lb.groups.users.strategy", "least-requests"));
        server = BulwarkServer.builder(config).build().start();
        env = Map.of("BULWARK_URL", server.uri().toString());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void listShowsEachGroupWithItsStrategyAndCounts() {
        CliRun r = CliRun.run(env, "lb", "list");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("users").contains("least-requests");
    }

    @Test
    void showListsTheEndpointsOfAGroupAsTableOrJson() throws Exception {
        CliRun table = CliRun.run(env, "lb", "show", "users");
        assertThat(table.exit()).as(table.err()).isZero();
        assertThat(table.out()).contains("one").contains("http://127.0.0.2:9").contains("HEALTHY").contains("true");

        CliRun json = CliRun.run(env, "lb", "show", "users", "-o", "json");
        JsonNode body = Json.mapper().readTree(json.out());
        assertThat(body.get("endpoints").get(0).get("weight").asInt()).isEqualTo(2);
    }

    @Test
    void anUnknownGroupExitsOneWithTheServersMessage() {
        CliRun r = CliRun.run(env, "lb", "show", "nope");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("no load balancer group 'nope'");
    }
}
