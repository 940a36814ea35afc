package io.bulwark.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rollouts REST surface on the embedded store, with the in-process {@code bulwark} driver. */
class RolloutsEndpointsTest {

    static final Map<String, String> FLAGS = Map.of(
            "lb.groups.users.endpoints", "http://127.0.0.1:9001;id=blue, http://127.0.0.1:9002;id=green",
            "lb.groups.users.strategy", "weighted-round-robin",
            "rollouts.interval", "50ms", "log.access", "false");

    static final String CANARY = """
            {"name": "users", "driver": {"type": "bulwark", "group": "users", "stable": "blue", "canary": "green"},
             "strategy": {"canary": {"steps": [
               {"setWeight": 10},
               {"analysis": {"metrics": [{"name": "healthy", "provider": {"bulwark": {"query": "bulwark_lb_endpoint_healthy{group=\\"users\\"}"}},
                                          "successCondition": "result >= 1"}]}},
               {"setWeight": 40},
               {"pause": {}},
               {"setWeight": 100}]}}}""";

    @TempDir
    Path dir;

    static int weightOf(Http http, String id) {
        for (JsonNode e : http.get("/api/v1/load-balancing/users").json().get("endpoints")) {
            if (e.get("id").asText().equals(id)) {
                return e.get("weight").asInt();
            }
        }
        return 0;
    }

    @Test
    void startsShowsActsAndRefusesWhatDoesNotApply() {
        try (BulwarkServer server = TestServers.start(dir, FLAGS)) {
            Http http = new Http(server.uri());
            Http.Response created = http.send("POST", "/api/v1/rollouts", CANARY, Map.of());
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            JsonNode s = created.json();
            assertThat(s.get("phase").asText()).isEqualTo("PAUSED");
            assertThat(s.get("step").asInt()).isEqualTo(3);
            assertThat(s.get("weight").asInt()).isEqualTo(40);
            assertThat(s.get("analysisRuns").get(0).get("metrics").get(0).get("measurements").get(0).get("phase").asText())
                    .isEqualTo("SUCCESSFUL");
            assertThat(weightOf(http, "green")).isEqualTo(40);
            assertThat(weightOf(http, "blue")).isEqualTo(60);

            assertThat(http.send("POST", "/api/v1/rollouts", CANARY, Map.of()).status()).isEqualTo(409);
            assertThat(http.get("/api/v1/rollouts").json().get("rollouts").get(0).get("weight").asInt()).isEqualTo(40);
            assertThat(http.get("/api/v1/rollouts/users").json().get("steps")).hasSize(5);
            assertThat(http.get("/api/v1/rollouts/nope").status()).isEqualTo(404);
            Http.Response retry = http.send("POST", "/api/v1/rollouts/users/retry", "", Map.of());
            assertThat(retry.status()).isEqualTo(409);
            assertThat(retry.body()).contains("phase PAUSED");

            JsonNode done = http.send("POST", "/api/v1/rollouts/users/resume", "", Map.of()).json();
            assertThat(done.get("phase").asText()).isEqualTo("HEALTHY");
            assertThat(weightOf(http, "green")).isEqualTo(100);
            assertThat(http.get("/api/v1/load-balancing/users").json().get("endpoints")).hasSize(1);

            JsonNode back = http.send("POST", "/api/v1/rollouts/users/abort", "", Map.of()).json();
            assertThat(back.get("phase").asText()).isEqualTo("DEGRADED");
            assertThat(weightOf(http, "blue")).isEqualTo(100);
            assertThat(weightOf(http, "green")).isZero();

            String metrics = http.get("/metrics").body();
            assertThat(metrics).contains("bulwark_rollout_weight{rollout=\"users\"} 0.0")
                    .contains("bulwark_rollout_transitions_total{phase=\"degraded\",rollout=\"users\"}")
                    .contains("bulwark_rollout_analysis_measurements_total{metric=\"healthy\",phase=\"successful\",rollout=\"users\"} 1.0");
            assertThat(http.get("/api/v1/events?kind=rollout.").body()).contains("rollout.degraded");
        }
    }

    @Test
    void badDefinitionsAre400NamingEveryField() {
        try (BulwarkServer server = TestServers.start(dir, FLAGS)) {
            Http http = new Http(server.uri());
            Http.Response r = http.send("POST", "/api/v1/rollouts", """
                    {"name": "x", "driver": {"type": "linkerd"},
                     "strategy": {"canary": {"steps": [{"setWeight": 150}, {"setWeight": 50},
                       {"analysis": {"metrics": [{"name": "m", "provider": {"bulwark": {"query": "a{b=c}"}}}]}}]}}}""", Map.of());
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.headers().firstValue("content-type").orElse("")).contains("application/problem+json");
            assertThat(r.body()).contains("strategy.canary.steps[0].setWeight").contains("strategy.canary.steps[1].setWeight")
                    .contains("last setWeight must be 100");
            Http.Response r2 = http.send("POST", "/api/v1/rollouts", """
                    {"name": "x", "driver": {"type": "linkerd"},
                     "strategy": {"canary": {"steps": [
                       {"analysis": {"metrics": [{"name": "m", "provider": {"bulwark": {"query": "a{b=c}"}}}]}}, {"setWeight": 100}]}}}""", Map.of());
            assertThat(r2.status()).isEqualTo(400);
            assertThat(r2.body()).contains("driver.type").contains("known: bulwark")
                    .contains("strategy.canary.steps[0].analysis.metrics[0].provider.bulwark.query");
            assertThat(http.get("/api/v1/rollouts").json().get("rollouts")).isEmpty();
        }
    }

    @Test
    void theLeaderTimerEndsATimedPause() {
        try (BulwarkServer server = TestServers.start(dir, FLAGS)) {
            Http http = new Http(server.uri());
            String def = CANARY.replace("{\"pause\": {}}", "{\"pause\": {\"duration\": \"200ms\"}}");
            assertThat(http.send("POST", "/api/v1/rollouts", def, Map.of()).status()).isEqualTo(201);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() ->
                    http.get("/api/v1/rollouts/users").json().get("phase").asText().equals("HEALTHY"));
            assertThat(weightOf(http, "green")).isEqualTo(100);
        }
    }
}
