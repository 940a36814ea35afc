package io.bulwark.cli;

import io.bulwark.core.json.Json;
import io.bulwark.server.BulwarkServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code bulwark limits ...} against a real server on a random port. */
class LimitsCommandTest {

    @TempDir
    Path dir;

    private BulwarkServer server;
    private Map<String, String> env;

    @BeforeEach
    void start() {
        var config = CliServers.config(dir, Map.of("ratelimit.endpoints.server.route", "GET /api/v1/server",
                "ratelimit.endpoints.server.limits", "100/1m,5000/1h", "ratelimit.endpoints.server.key", "ip"));
        server = BulwarkServer.builder(config).build().start();
        env = Map.of("BULWARK_URL", server.uri().toString());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void listsAndShowsTheEndpointLimits() throws Exception {
        CliRun list = CliRun.run(env, "limits", "list");
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out()).contains("server").contains("GET /api/v1/server").contains("100/1m,5000/1h").contains("token-bucket");
        CliRun show = CliRun.run(env, "limits", "show", "server", "-o", "json");
        assertThat(Json.mapper().readTree(show.out()).get("key").asText()).isEqualTo("ip");
        CliRun missing = CliRun.run(env, "limits", "show", "nope");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("no rate limit named 'nope'; known: [server]");
    }

    @Test
    void setChangesTheLimitAndUsageReportsAKey() throws Exception {
        CliRun set = CliRun.run(env, "limits", "set", "server", "--limits", "2/1m", "--algorithm", "sliding-log");
        assertThat(set.exit()).as(set.err()).isZero();
        assertThat(set.out()).contains("2/1m").contains("sliding-log").contains("api");
        Http.get(server.uri().resolve("/api/v1/server"));
        CliRun usage = CliRun.run(env, "limits", "usage", "server", "ip:127.0.0.1", "-o", "json");
        assertThat(usage.exit()).as(usage.err()).isZero();
        var limit = Json.mapper().readTree(usage.out()).get("limits").get(0);
        assertThat(limit.get("used").asLong()).isEqualTo(1);
        assertThat(limit.get("remaining").asLong()).isEqualTo(1);
        assertThat(CliRun.run(env, "limits", "usage", "server", "ip:127.0.0.1").out()).contains("2/1m").contains("sliding-log");
    }

    @Test
    void badInputExitsTwoWithAMessage() {
        CliRun zero = CliRun.run(env, "limits", "set", "server", "--limits", "0/1m");
        assertThat(zero.exit()).isEqualTo(2);
        assertThat(zero.err()).contains("permits must be >= 1 but was 0");
        CliRun unit = CliRun.run(env, "limits", "set", "server", "--limits", "5/1w");
        assertThat(unit.exit()).isEqualTo(2);
        assertThat(unit.err()).contains("unknown unit 'w'");
        CliRun algorithm = CliRun.run(env, "limits", "set", "server", "--algorithm", "tokenbuckett");
        assertThat(algorithm.exit()).isEqualTo(2);
        assertThat(algorithm.err()).contains("unknown algorithm 'tokenbuckett', allowed: token-bucket");
        CliRun nothing = CliRun.run(env, "limits", "set", "server");
        assertThat(nothing.exit()).isEqualTo(2);
        CliRun newWithoutRoute = CliRun.run(env, "limits", "set", "fresh", "--limits", "5/1m");
        assertThat(newWithoutRoute.exit()).as("the server's 400 maps to exit 2").isEqualTo(2);
        assertThat(newWithoutRoute.err()).contains("endpoints.fresh.route: is required");
    }

    /** One plain GET, to spend a permit. */
    private static final class Http {
        static void get(java.net.URI uri) {
            try {
                java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(uri).build(),
                        java.net.http.HttpResponse.BodyHandlers.discarding());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
