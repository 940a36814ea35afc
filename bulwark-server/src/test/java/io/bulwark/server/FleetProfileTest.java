package io.bulwark.server;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A fleet-wide profile on two nodes sharing one PostgreSQL schema: asked on node A, node B picks
 * the request up from the store and records too; both summaries are listed on either node, and each
 * recording is downloadable only where it was made.
 */
@RequiresService(LocalService.POSTGRESQL)
class FleetProfileTest {

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
                "store.url", db.url(), "store.user", db.user(), "profiles.poll", "200ms"));
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
    void aProfileAskedOfAllNodesOnOneIsRecordedOnEachAndListedOnBoth() {
        Http httpA = new Http(a.uri());
        Http httpB = new Http(b.uri());
        Http.Response started = httpA.send("POST", "/api/v1/profiles", "{\"duration\":\"1s\",\"nodes\":\"all\"}", Map.of());
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        String id = started.json().path("id").asText();

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            JsonNode results = httpB.get("/api/v1/profiles/" + id).json().path("results");
            List<String> done = new ArrayList<>();
            results.forEach(r -> done.add(r.path("nodeName").asText() + ":" + r.path("status").asText()));
            assertThat(done).containsExactly("node-a:done", "node-b:done");
        });
        JsonNode results = httpA.get("/api/v1/profiles/" + id).json().path("results");
        results.forEach(r -> assertThat(r.path("summary").path("cpu").path("samples").asLong()).isPositive());

        assertThat(httpA.get("/api/v1/profiles/" + id + "/jfr").status()).isEqualTo(200);
        assertThat(httpB.get("/api/v1/profiles/" + id + "/jfr").status()).isEqualTo(200);

        Http.Response onlyA = httpA.send("POST", "/api/v1/profiles", "{\"duration\":\"1s\"}", Map.of());
        String single = onlyA.json().path("id").asText();
        await().atMost(Duration.ofSeconds(20)).until(() -> httpB.get("/api/v1/profiles/" + single).json()
                .path("results").get(0).path("status").asText().equals("done"));
        assertThat(httpB.get("/api/v1/profiles/" + single).json().path("results")).as("node B did not record it").hasSize(1);
        Http.Response elsewhere = httpB.get("/api/v1/profiles/" + single + "/jfr");
        assertThat(elsewhere.status()).isEqualTo(404);
        assertThat(elsewhere.body()).contains("ask node-a");
    }
}
