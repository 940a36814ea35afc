package io.bulwark.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.core.config.BulwarkConfig;
import io.bulwark.test.db.TestDatabase;
import io.bulwark.test.http.FlakyServer;
import io.bulwark.test.services.LocalService;
import io.bulwark.test.services.RequiresService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two nodes on one PostgreSQL schema share a provider's breaker ({@code breaker.shared: true}):
 * when failures open it on node A, node B learns through the store, within one cluster heartbeat,
 * and refuses the provider's calls without sending them.
 *
 * <p>The breaker is opened by failures against a local failing server, not by
 * {@code POST /api/v1/circuit-breakers/{name}/open}: a forced open is an operator's override of
 * one node's breaker and, by design, is not published (only opens the breaker decides travel; see
 * resilience.md, "Cluster-wide state"). {@code resilience.sharedBreakerPoll} keeps its default.
 */
@RequiresService(LocalService.POSTGRESQL)
class SharedBreakerAcrossNodesTest {

    @TempDir
    Path dir;

    private final FlakyServer payments = FlakyServer.start("payments");
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
                "store.url", db.url(), "store.user", db.user()));
        flags.putAll(Map.of("providers.pay.group", "payments", "providers.pay.baseUrl", payments.uri().toString(),
                "providers.pay.retry", "once", "retries.once.maxAttempts", "1",
                "providers.pay.breaker.consecutiveFailures", "2", "providers.pay.breaker.waitInOpen", "5m",
                "providers.pay.breaker.shared", "true"));
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
            payments.close();
        } finally {
            if (db != null) {
                db.close();
            }
        }
    }

    @Test
    void aBreakerOpenedByFailuresOnOneNodeIsOpenOnTheOtherWithinOneHeartbeatAndRefusesItsCalls() {
        Http httpA = new Http(a.uri());
        Http httpB = new Http(b.uri());
        Duration heartbeat = config("b").get(ClusterKeys.HEARTBEAT);
        assertThat(state(httpB)).isEqualTo("CLOSED");
        payments.fail(503);

        for (int i = 0; i < 2; i++) {
            assertThat(httpA.send("POST", "/api/v1/providers/payments/call", "{}", Map.of()).status()).isEqualTo(503);
        }
        assertThat(state(httpA)).as("opened on A by two failures in a row").isEqualTo("OPEN");
        int sent = payments.requests();
        long opened = System.nanoTime();

        await("node B sees the breaker open").atMost(heartbeat).pollInterval(Duration.ofMillis(100))
                .until(() -> state(httpB), "OPEN"::equals);
        System.out.printf("node B saw the breaker open %d ms after node A opened it (heartbeat %s)%n",
                (System.nanoTime() - opened) / 1_000_000, heartbeat);
        Http.Response refused = httpB.send("POST", "/api/v1/providers/payments/call", "{}", Map.of());

        assertThat(refused.status()).as(refused.body()).isEqualTo(503);
        assertThat(refused.json().get("type").asText()).isEqualTo("urn:bulwark:problem:provider-unavailable");
        assertThat(refused.json().get("detail").asText()).as("names the open breaker")
                .contains("circuit breaker 'pay' is OPEN until");
        assertThat(payments.requests()).as("node B sent nothing to the provider").isEqualTo(sent);
        JsonNode history = httpB.get("/api/v1/circuit-breakers/pay").json().get("history");
        assertThat(history.get(history.size() - 1).get("reason").asText()).as("B's own record of why")
                .contains("opened on node");
    }

    private static String state(Http http) {
        return http.get("/api/v1/circuit-breakers/pay").json().get("state").asText();
    }
}
