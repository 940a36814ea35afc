package io.bulwark.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The server on the embedded SQLite store: jobs and queue settings outlive a restart. */
class EmbeddedJobsTest {

    @TempDir
    Path dir;

    private BulwarkServer start() {
        return BulwarkServer.builder(TestServers.config(dir, Map.of("log.access", "false", "jobs.pollInterval", "50ms")))
                .configuredStore().build().start();
    }

    @Test
    void jobsAndQueueSettingsSurviveARestart() {
        String id;
        try (BulwarkServer server = start()) {
            Http http = new Http(server.uri());
            assertThat(http.send("PUT", "/api/v1/queues/mail", "{\"concurrency\":3,\"paused\":true,\"timeout\":\"90s\"}", Map.of())
                    .status()).isEqualTo(200);
            id = http.send("POST", "/api/v1/jobs", "{\"type\":\"builtin.noop\",\"queue\":\"mail\"}", Map.of()).json()
                    .get("id").asText();
        }
        try (BulwarkServer server = start()) {
            Http http = new Http(server.uri());
            var queue = http.get("/api/v1/queues/mail").json();
            assertThat(queue.get("paused").asBoolean()).isTrue();
            assertThat(queue.get("settings").get("concurrency").asInt()).isEqualTo(3);
            assertThat(queue.get("settings").get("timeout").asText()).isEqualTo("90s");
            assertThat(http.get("/api/v1/jobs/" + id).json().get("state").asText()).isEqualTo("available");
            http.send("POST", "/api/v1/queues/mail/resume", "", Map.of());
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> http.get("/api/v1/jobs/" + id).json().get("state").asText().equals("completed"));
            assertThat(http.get("/health").json().get("checks").get("store").get("details").get("kind").asText())
                    .isEqualTo("SqliteJobStore");
            var status = http.get("/api/v1/store").json();
            assertThat(status.get("dialect").asText()).isEqualTo("sqlite");
            assertThat(status.get("schemaVersion").asText()).isEqualTo("10");
            assertThat(status.get("location").asText()).endsWith("jobs.db");
        }
    }

    @Test
    void unknownQueueSettingsAndOversizedPayloadsAreRefusedAndNothingIsStored() {
        try (BulwarkServer server = BulwarkServer.builder(TestServers.config(dir,
                Map.of("log.access", "false", "server.maxRequestBody", "4KiB"))).configuredStore().build().start()) {
            Http http = new Http(server.uri());
            Http.Response unknown = http.send("PUT", "/api/v1/queues/mail", "{\"concurency\":3}", Map.of());
            assertThat(unknown.status()).isEqualTo(400);
            assertThat(unknown.json().get("errors").get(0).get("field").asText()).isEqualTo("concurency");
            assertThat(unknown.json().get("errors").get(0).get("message").asText()).contains("concurrency");
            Http.Response big = http.send("POST", "/api/v1/jobs",
                    "{\"type\":\"builtin.echo\",\"payload\":{\"blob\":\"" + "x".repeat(5000) + "\"}}", Map.of());
            assertThat(big.status()).isEqualTo(413);
            assertThat(http.get("/api/v1/jobs").json().get("items")).isEmpty();
            assertThat(http.get("/api/v1/queues").json().get("queues")).isEmpty();
        }
    }
}
