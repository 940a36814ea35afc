package io.bulwark.server;

import io.bulwark.test.db.TestDatabase;
import io.bulwark.test.services.LocalService;
import io.bulwark.test.services.RequiresService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The server on PostgreSQL and MariaDB, chosen by store.url: jobs run, settings persist, two nodes share one store. */
@RequiresService({LocalService.POSTGRESQL, LocalService.MARIADB})
class DatabaseStoreServerTest {

    private static final Map<LocalService, TestDatabase> DBS = new EnumMap<>(LocalService.class);

    @TempDir
    Path dir;

    @BeforeAll
    static void createDatabases() {
        DBS.put(LocalService.POSTGRESQL, TestDatabase.create(LocalService.POSTGRESQL));
        DBS.put(LocalService.MARIADB, TestDatabase.create(LocalService.MARIADB));
    }

    @AfterAll
    static void dropDatabases() {
        DBS.values().forEach(TestDatabase::close);
    }

    private BulwarkServer start(LocalService server, Path dataDir) {
        TestDatabase db = DBS.get(server);
        return BulwarkServer.builder(TestServers.config(dataDir, Map.of("log.access", "false", "jobs.pollInterval",
                "50ms", "store.url", db.url(), "store.user", db.user()))).configuredStore().build().start();
    }

    @ParameterizedTest
    @EnumSource(value = LocalService.class, names = {"POSTGRESQL", "MARIADB"})
    void jobsRunAndQueueSettingsLiveInTheDatabaseSharedByTwoNodes(LocalService server) {
        String id;
        try (BulwarkServer a = start(server, dir.resolve("a")); BulwarkServer b = start(server, dir.resolve("b"))) {
            Http httpA = new Http(a.uri());
            Http httpB = new Http(b.uri());
            assertThat(httpA.send("PUT", "/api/v1/queues/mail", "{\"concurrency\":3,\"paused\":true}", Map.of())
                    .status()).isEqualTo(200);
            id = httpA.send("POST", "/api/v1/jobs", "{\"type\":\"builtin.noop\",\"queue\":\"mail\"}", Map.of()).json()
                    .get("id").asText();
            assertThat(httpB.get("/api/v1/jobs/" + id).json().get("state").asText())
                    .as("the other node reads the same store").isEqualTo("available");
            assertThat(httpB.get("/health").json().get("checks").get("store").get("details").get("kind").asText())
                    .isEqualTo("DatabaseJobStore");
            var status = httpB.get("/api/v1/store").json();
            String dialect = server == LocalService.POSTGRESQL ? "postgresql" : "mariadb";
            assertThat(status.get("dialect").asText()).isEqualTo(dialect);
            assertThat(status.get("schemaVersion").asText()).isEqualTo("9");
            assertThat(status.get("location").asText()).isEqualTo(DBS.get(server).url());
            assertThat(status.get("pools").get(0).get("max").asInt()).isEqualTo(10);
            assertThat(httpB.get("/metrics").body()).contains("hikaricp_connections_active{pool=\"bulwark-" + dialect + "\"");
        }
        try (BulwarkServer restarted = start(server, dir.resolve("c"))) {
            Http http = new Http(restarted.uri());
            assertThat(http.get("/api/v1/queues/mail").json().get("paused").asBoolean()).isTrue();
            http.send("POST", "/api/v1/queues/mail/resume", "", Map.of());
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> http.get("/api/v1/jobs/" + id).json().get("state").asText().equals("completed"));
        }
    }

    @Test
    void onPostgresAnIdleWorkerStartsAJobEnqueuedOnAnotherNodeWithoutWaitingForItsPoll() {
        TestDatabase db = DBS.get(LocalService.POSTGRESQL);
        Map<String, String> common = Map.of("log.access", "false", "jobs.pollInterval", "1m", "store.url", db.url(),
                "store.user", db.user());
        java.util.Map<String, String> apiOnly = new java.util.HashMap<>(common);
        apiOnly.put("jobs.worker", "false");
        try (BulwarkServer worker = BulwarkServer.builder(TestServers.config(dir.resolve("w"), common)).configuredStore()
                .build().start();
             BulwarkServer api = BulwarkServer.builder(TestServers.config(dir.resolve("a"), apiOnly)).configuredStore()
                     .build().start()) {
            Http http = new Http(api.uri());
            // The worker polled once at start; its next poll is a minute away.
            String id = http.send("POST", "/api/v1/jobs", "{\"type\":\"builtin.noop\",\"queue\":\"wake\"}", Map.of())
                    .json().get("id").asText();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> http.get("/api/v1/jobs/" + id).json().get("state").asText().equals("completed"));
            assertThat(new Http(worker.uri()).get("/api/v1/jobs/" + id).json().get("history").get(2).get("node").asText())
                    .as("run by the worker node").isNotBlank();
        }
    }

    @Test
    void anUnreachableDatabaseStopsStartupWithOneLineAndNoPassword() {
        assertThatThrownBy(() -> BulwarkServer.builder(TestServers.config(dir, Map.of("store.url",
                "jdbc:postgresql://127.0.0.1:1/app", "store.user", "bulwark", "store.password", "hunter2-secret")))
                .configuredStore())
                .isInstanceOf(StartupException.class)
                .hasMessageStartingWith("cannot open the store at jdbc:postgresql://127.0.0.1:1/app (store.url)")
                .hasMessageContaining("check that the database runs")
                .hasMessageNotContaining("hunter2-secret");
    }

    @Test
    void aStoreUrlOfAnotherKindIsAConfigErrorNamingWhatIsAllowed() {
        assertThatThrownBy(() -> TestServers.config(dir, Map.of("store.url", "jdbc:oracle:thin:@db:1521/x")))
                .hasMessageContaining("store.url")
                .hasMessageContaining("jdbc:postgresql://");
    }
}
