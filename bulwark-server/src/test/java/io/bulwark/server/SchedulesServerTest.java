package io.bulwark.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Schedules on a running server: fired by its leader into its own worker, declared in its config. */
class SchedulesServerTest {

    @TempDir
    Path dir;

    private BulwarkServer start(Map<String, String> flags) {
        Map<String, String> all = new HashMap<>(Map.of("log.access", "false", "server.shutdown.grace", "1s",
                "cluster.heartbeat", "200ms", "jobs.pollInterval", "50ms"));
        all.putAll(flags);
        return BulwarkServer.builder(TestServers.config(dir, all)).configuredStore().build().start();
    }

    @Test
    void anEverySecondScheduleHasItsJobsCompletedByTheWorkerWithinSeconds() {
        try (BulwarkServer server = start(Map.of())) {
            Http http = new Http(server.uri());
            Http.Response created = http.send("PUT", "/api/v1/schedules/every-second",
                    "{\"cron\":\"* * * * * *\",\"job\":{\"queue\":\"ticks\",\"type\":\"builtin.noop\"}}", Map.of());
            assertThat(created.status()).as(created.body()).isEqualTo(201);

            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() ->
                    http.get("/api/v1/jobs?queue=ticks&state=completed").json().get("items").size() >= 3);

            JsonNode done = http.get("/api/v1/jobs?queue=ticks&state=completed").json().get("items");
            done.forEach(j -> {
                assertThat(j.get("type").asText()).isEqualTo("builtin.noop");
                assertThat(j.get("idempotencyKey").asText()).startsWith("schedule:every-second:");
            });
            JsonNode history = http.get("/api/v1/schedules/every-second").json().get("history");
            assertThat(history).isNotEmpty();
            assertThat(history).anySatisfy(f -> {
                assertThat(f.get("state").asText()).isEqualTo("fired");
                assertThat(f.get("run").get("state").asText()).isEqualTo("completed");
            });
            // One job per tick: ticks are distinct, and so are their jobs.
            java.util.Set<String> refs = new java.util.HashSet<>();
            history.forEach(f -> assertThat(refs.add(f.get("ref").asText())).isTrue());

            String metrics = http.get("/metrics").body();
            assertThat(metrics).containsPattern("bulwark_scheduler_firings_total\\{schedule=\"every-second\",state=\"fired\"} [1-9]")
                    .contains("bulwark_scheduler_lag_seconds_count{schedule=\"every-second\"}")
                    .contains("bulwark_scheduler_schedules{state=\"active\"} 1.0")
                    .contains("bulwark_scheduler_schedules{state=\"paused\"} 0.0");
            JsonNode check = http.get("/health").json().get("checks").get("schedules");
            assertThat(check.get("status").asText()).isEqualTo("UP");
            assertThat(check.get("details").get("leader").asBoolean()).isTrue();
            assertThat(check.get("details").get("active").asInt()).isEqualTo(1);
            assertThat(check.get("details").has("lastPassAt")).isTrue();
        }
    }

    @Test
    void aScheduleMadeOverTheApiSurvivesARestartAndWinsOverTheConfigFile() {
        Map<String, String> flags = Map.of("schedules.report.cron", "0 3 * * *", "schedules.report.job.type", "builtin.noop");
        try (BulwarkServer server = start(flags)) {
            Http http = new Http(server.uri());
            Http.Response changed = http.send("PUT", "/api/v1/schedules/report",
                    "{\"cron\":\"0 4 * * *\",\"job\":{\"type\":\"builtin.noop\"}}", Map.of());
            assertThat(changed.status()).as(changed.body()).isIn(200, 201);
            assertThat(http.send("POST", "/api/v1/schedules/report/trigger", "", Map.of()).status()).isEqualTo(202);
        }
        try (BulwarkServer server = start(flags)) {
            JsonNode report = new Http(server.uri()).get("/api/v1/schedules/report").json();
            assertThat(report.get("cron").asText()).as("kept in the embedded store, the API's change wins").isEqualTo("0 4 * * *");
            assertThat(report.get("source").asText()).isEqualTo("api");
            assertThat(report.get("history")).anySatisfy(f -> assertThat(f.get("state").asText()).isEqualTo("triggered"));
        }
    }

    @Test
    void schedulesDeclaredInConfigAreServedWithTheirSource() {
        Map<String, String> flags = Map.of("schedules.nightly.cron", "30 2 * * *", "schedules.nightly.zone", "Europe/Berlin",
                "schedules.nightly.job.type", "builtin.noop", "schedules.nightly.job.payload", "{\"kind\":\"daily\"}",
                "schedules.nightly.jitter", "30s", "schedules.nightly.overlap", "queue",
                "schedules.weekly.cron", "@weekly", "schedules.weekly.job.type", "builtin.noop",
                "schedules.weekly.paused", "true");
        try (BulwarkServer server = start(flags)) {
            Http http = new Http(server.uri());
            JsonNode items = http.get("/api/v1/schedules").json().get("items");
            assertThat(items).hasSize(2);
            JsonNode nightly = items.get(0);
            assertThat(nightly.get("name").asText()).isEqualTo("nightly");
            assertThat(nightly.get("source").asText()).isEqualTo("config");
            assertThat(nightly.get("zone").asText()).isEqualTo("Europe/Berlin");
            assertThat(nightly.get("job").get("payload").get("kind").asText()).isEqualTo("daily");
            assertThat(nightly.get("jitter").asText()).isEqualTo("30s");
            assertThat(nightly.get("overlap").asText()).isEqualTo("queue");
            JsonNode weekly = items.get(1);
            assertThat(weekly.get("paused").asBoolean()).isTrue();
            assertThat(weekly.get("source").asText()).isEqualTo("config");

            Http.Response changed = http.send("POST", "/api/v1/schedules/weekly/resume", null, Map.of());
            assertThat(changed.json().get("source").asText()).as("a change over the API wins over the file").isEqualTo("api");
        }
    }

    @Test
    void aBadScheduleInConfigStopsTheStartNamingTheKey() {
        assertThatThrownBy(() -> start(Map.of("schedules.nightly.cron", "30 25 * * *",
                "schedules.nightly.job.type", "builtin.noop")))
                .isInstanceOf(StartupException.class).hasMessageContaining("schedules.nightly.cron");
        assertThatThrownBy(() -> BulwarkServer.builder(TestServers.config(dir, Map.of("schedules.a.cron", "@daily",
                "schedules.a.job.type", "builtin.noop"))).build())
                .isInstanceOf(StartupException.class).hasMessageContaining("schedules.a.")
                .hasMessageContaining("no job store");
    }
}
