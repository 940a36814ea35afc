package io.bulwark.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.test.db.TestDatabase;
import io.bulwark.test.services.LocalService;
import io.bulwark.test.services.RequiresService;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A rollout on PostgreSQL survives its controller: a new server on the same database resumes it at the same step and weight. */
@RequiresService(LocalService.POSTGRESQL)
class RolloutRestartPostgresTest {

    @TempDir
    Path dir;

    private static BulwarkServer start(TestDatabase db, Path dataDir) {
        Map<String, String> flags = new HashMap<>(RolloutsEndpointsTest.FLAGS);
        flags.put("store.url", db.url());
        flags.put("store.user", db.user());
        return BulwarkServer.builder(TestServers.config(dataDir, flags)).configuredStore().build().start();
    }

    @Test
    void aNewServerResumesTheRolloutAtTheSameStepAndWeightThenCompletes() {
        try (TestDatabase db = TestDatabase.create(LocalService.POSTGRESQL)) {
            try (BulwarkServer first = start(db, dir.resolve("a"))) {
                // The first steps run in the request only on the leader: wait for this node to be elected.
                await().atMost(Duration.ofSeconds(10)).until(() ->
                        new Http(first.uri()).get("/api/v1/cluster").json().path("leader").has("term"));
                JsonNode s = new Http(first.uri()).send("POST", "/api/v1/rollouts", RolloutsEndpointsTest.CANARY, Map.of()).json();
                assertThat(s.get("phase").asText()).isEqualTo("PAUSED");
                assertThat(s.get("step").asInt()).isEqualTo(3);
                assertThat(s.get("weight").asInt()).isEqualTo(40);
            }
            try (BulwarkServer second = start(db, dir.resolve("b"))) {
                Http http = new Http(second.uri());
                // The group starts from its configuration (blue only weighted 1, green 1); the leader's first tick sets 40 again.
                await().atMost(Duration.ofSeconds(10)).until(() -> RolloutsEndpointsTest.weightOf(http, "green") == 40);
                JsonNode s = http.get("/api/v1/rollouts/users").json();
                assertThat(s.get("phase").asText()).isEqualTo("PAUSED");
                assertThat(s.get("step").asInt()).isEqualTo(3);
                assertThat(s.get("weight").asInt()).isEqualTo(40);
                assertThat(s.get("analysisRuns")).hasSize(1);
                JsonNode done = http.send("POST", "/api/v1/rollouts/users/resume", "", Map.of()).json();
                assertThat(done.get("phase").asText()).isEqualTo("HEALTHY");
                assertThat(done.get("weight").asInt()).isEqualTo(100);
                assertThat(RolloutsEndpointsTest.weightOf(http, "green")).isEqualTo(100);
            }
        }
    }
}
