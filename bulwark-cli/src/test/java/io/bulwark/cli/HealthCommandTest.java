package io.bulwark.cli;

import io.bulwark.core.health.HealthCheck;
import io.bulwark.core.health.HealthResult;
import io.bulwark.server.BulwarkServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code bulwark health}: the exit code a container health check reads. */
class HealthCommandTest {

    @TempDir
    Path dir;

    @Test
    void exitsZeroWhenReadyAndOneNamingTheFailingCheckWhenNot() {
        try (BulwarkServer server = BulwarkServer.builder(CliServers.config(dir, Map.of())).build().start()) {
            CliRun ready = CliRun.run("health", "--url", server.uri().toString());
            assertThat(ready.exit()).as(ready.err()).isZero();
            assertThat(ready.out()).isEqualTo("ready\n");
            assertThat(CliRun.run("health", "--live", "--url", server.uri().toString()).out()).isEqualTo("alive\n");
        }
        HealthCheck down = new HealthCheck() {
            @Override
            public String name() {
                return "payments-db";
            }

            @Override
            public HealthResult check() {
                return HealthResult.down(Map.of("error", "connection refused"));
            }
        };
        try (BulwarkServer server = BulwarkServer.builder(CliServers.config(dir.resolve("b"), Map.of())).healthCheck(down)
                .build().start()) {
            CliRun notReady = CliRun.run("health", "--url", server.uri().toString());
            assertThat(notReady.exit()).isEqualTo(1);
            assertThat(notReady.err()).contains("not ready").contains("503").contains("payments-db");
            assertThat(CliRun.run("health", "--live", "--url", server.uri().toString()).exit())
                    .as("alive although not ready").isZero();
        }
    }

    @Test
    void aServerThatDoesNotAnswerExitsOneAndABadUrlTwo() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        CliRun gone = CliRun.run("health", "--url", "http://127.0.0.1:" + port, "--timeout", "1s");
        assertThat(gone.exit()).isEqualTo(1);
        assertThat(gone.err()).contains("not ready").contains("did not answer");
        CliRun bad = CliRun.run("health", "--url", "not a url");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("--url must be an http(s) URL");
    }
}
