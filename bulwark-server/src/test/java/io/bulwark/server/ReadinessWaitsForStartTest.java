package io.bulwark.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.core.config.ConfigKey;
import io.bulwark.server.capability.Capability;
import io.bulwark.server.capability.CapabilityFactory;
import io.bulwark.server.capability.ServerContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The port answers before the capabilities start (workers, consumers, bridges); readiness must not say
 * 200 in between, or a client that waits for it (a load balancer, a harness publishing to a bridge's
 * topic) acts on a server that does not yet consume.
 */
class ReadinessWaitsForStartTest {

    /** Found through {@code META-INF/services}; makes a capability only while a test holds the gate. */
    public static final class GateFactory implements CapabilityFactory {
        static volatile CountDownLatch gate;
        static final CountDownLatch entered = new CountDownLatch(1);

        @Override
        public String name() {
            return "test start gate";
        }

        @Override
        public List<ConfigKey<?>> configKeys() {
            return List.of();
        }

        @Override
        public Optional<Capability> create(ServerContext context) {
            CountDownLatch g = gate;
            if (g == null) {
                return Optional.empty();
            }
            return Optional.of(new Capability() {
                @Override
                public String name() {
                    return "test start gate";
                }

                @Override
                public void start() {
                    entered.countDown();
                    try {
                        g.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
        }
    }

    @TempDir
    Path dir;

    @AfterEach
    void closeTheGate() {
        GateFactory.gate = null;
    }

    @Test
    void readinessAnswers503StartingUntilEveryCapabilityHasStarted() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        GateFactory.gate = gate;
        BulwarkServer server = BulwarkServer.builder(TestServers.config(dir, Map.of())).build();
        CompletableFuture<BulwarkServer> started = CompletableFuture.supplyAsync(server::start);
        try {
            assertThat(GateFactory.entered.await(30, TimeUnit.SECONDS)).as("the gate capability is starting").isTrue();
            Http http = new Http(server.uri()); // the port answers: capabilities start after it is bound
            assertThat(http.get("/health/live").status()).isEqualTo(200);
            Http.Response ready = http.get("/health/ready");
            assertThat(ready.status()).isEqualTo(503);
            assertThat(ready.json().path("reason").asText()).isEqualTo("starting");

            gate.countDown();
            started.get(30, TimeUnit.SECONDS);
            Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(http.get("/health/ready").status()).isEqualTo(200));
        } finally {
            gate.countDown();
            started.get(30, TimeUnit.SECONDS).close();
        }
    }
}
