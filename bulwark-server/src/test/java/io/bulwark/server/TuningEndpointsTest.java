package io.bulwark.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.test.db.PrivatePostgres;
import io.bulwark.test.db.TestDatabase;
import io.bulwark.test.services.LocalService;
import io.bulwark.test.services.RequiresService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** The tuner: a cache that evicts what it is asked for, and a starved database pool, each advised with evidence. */
class TuningEndpointsTest {

    @TempDir
    Path dir;

    private static JsonNode advice(Http http, String area) {
        for (JsonNode a : http.get("/api/v1/tuning").json().path("advice")) {
            if (a.path("area").asText().equals(area)) {
                return a;
            }
        }
        return null;
    }

    @Test
    void retriesThatNeverRescueACallAreAdvisedDownWithTheCallsAsEvidence() {
        try (io.bulwark.test.http.FlakyServer upstream = io.bulwark.test.http.FlakyServer.start("down").fail(503)) {
            Map<String, String> flags = new java.util.HashMap<>(Map.of("tuning.interval", "100ms",
                    "providers.up.group", "g", "providers.up.baseUrl", upstream.uri().toString(),
                    "providers.up.retry", "fast", "retries.fast.maxAttempts", "3", "retries.fast.baseDelay", "10ms",
                    "providers.up.breaker.minimumCalls", "1000", "providers.up.breaker.windowSize", "1000"));
            flags.put("retries.fast.budgetPercent", "1000"); // every call may retry: the budget is not what is judged
            try (BulwarkServer server = BulwarkServer.builder(TestServers.config(dir, flags)).configuredStore().build()
                    .start()) {
                Http http = new Http(server.uri());
                http.get("/api/v1/tuning"); // the window's first reading
                for (int i = 0; i < 25; i++) {
                    assertThat(http.send("POST", "/api/v1/providers/g/call?path=/v1/chat", "{}", Map.of()).status())
                            .isEqualTo(503);
                }
                JsonNode a = advice(http, "retry");
                assertThat(a).as("retry advice in %s; %s", http.get("/api/v1/tuning").body(),
                        http.get("/metrics").body().lines().filter(l -> l.startsWith("bulwark_retry_calls")).toList())
                        .isNotNull();
                assertThat(a.path("subject").asText()).isEqualTo("up");
                assertThat(a.path("setting").asText()).isEqualTo("retries.fast.maxAttempts");
                assertThat(a.path("current").asText()).isEqualTo("3");
                assertThat(a.path("suggested").asText()).isEqualTo("1");
                assertThat(a.path("evidence").get(0).asText()).startsWith("25 calls to up were retried in ")
                        .endsWith("a retry rescued 0 of them (0%)");
                assertThat(upstream.requests()).isEqualTo(75);
            }
        }
    }

    @Test
    void aCacheWithATwentyPercentHitRatioIsAdvisedToGrowWithItsEvidence() {
        Map<String, String> flags = Map.of("cache.hot.maximumSize", "20", "tuning.interval", "100ms");
        try (BulwarkServer server = BulwarkServer.builder(TestServers.config(dir, flags)).configuredStore().build().start()) {
            Http http = new Http(server.uri());
            assertThat(advice(http, "cache")).as("nothing read yet").isNull();
            for (int i = 0; i < 100; i++) {
                assertThat(http.send("PUT", "/api/v1/caches/hot/keys/k" + i, "{\"v\":" + i + "}", Map.of()).status())
                        .isEqualTo(200);
            }
            SplittableRandom random = new SplittableRandom(7);
            for (int i = 0; i < 400; i++) {
                http.get("/api/v1/caches/hot/keys/k" + random.nextInt(100)); // 20 of 100 kept: about 20% hit
            }
            JsonNode a = advice(http, "cache");
            assertThat(a).as("cache advice").isNotNull();
            assertThat(a.path("subject").asText()).isEqualTo("hot");
            assertThat(a.path("setting").asText()).isEqualTo("cache.hot.maximumSize");
            assertThat(a.path("current").asText()).isEqualTo("20");
            assertThat(a.path("suggested").asText()).as("under 25%: four times").isEqualTo("80");
            assertThat(a.path("evidence").get(0).asText()).matches("hit ratio (1\\d|2\\d)% over 400 reads in .*");
            assertThat(a.path("evidence").get(1).asText()).contains("evicted for room").contains("maximumSize 20");
        }
    }

    @Test
    @RequiresService(LocalService.POSTGRESQL)
    void aStarvedPoolIsAdvisedToGrowWithTheWaitsAsEvidence() throws Exception {
        try (TestDatabase db = TestDatabase.create(LocalService.POSTGRESQL)) {
            Map<String, String> flags = Map.of("store.url", db.url(), "store.user", db.user(), "store.pool.size", "2",
                    "tuning.interval", "100ms", "log.access", "false");
            try (BulwarkServer server = BulwarkServer.builder(TestServers.config(dir, flags)).configuredStore().build()
                    .start()) {
                Http http = new Http(server.uri());
                ExecutorService clients = Executors.newFixedThreadPool(16);
                List<Future<?>> sent = new ArrayList<>();
                for (int t = 0; t < 16; t++) {
                    sent.add(clients.submit(() -> {
                        for (int i = 0; i < 25; i++) {
                            http.send("POST", "/api/v1/jobs", "{\"type\":\"builtin.noop\"}", Map.of());
                        }
                    }));
                }
                for (Future<?> f : sent) {
                    f.get();
                }
                clients.shutdown();
                JsonNode a = advice(http, "database pool");
                assertThat(a).as("pool advice in %s", http.get("/api/v1/tuning").body()).isNotNull();
                assertThat(a.path("setting").asText()).isEqualTo("store.pool.size");
                assertThat(a.path("current").asText()).isEqualTo("2");
                assertThat(Integer.parseInt(a.path("suggested").asText())).isGreaterThan(2);
                assertThat(a.path("evidence").get(0).asText()).containsPattern("\\d+ connections taken in .*, waiting [0-9.]+ ms");
                assertThat(a.path("evidence").get(1).asText()).containsPattern("up to \\d+ requests waited");
            }
        }
    }

    @Test
    void aStatementSlowerThanTheThresholdIsNamedFromPgStatStatementsWithWhereToLook(@TempDir Path pgDir) throws Exception {
        try (PrivatePostgres pg = PrivatePostgres.start(pgDir, List.of("shared_preload_libraries=pg_stat_statements"))) {
            try (java.sql.Connection c = java.sql.DriverManager.getConnection(pg.url(), pg.user(), null);
                 java.sql.Statement st = c.createStatement()) {
                st.execute("CREATE EXTENSION pg_stat_statements");
                Map<String, String> flags = Map.of("store.url", pg.url(), "store.user", pg.user(),
                        "tuning.slowStatement", "15ms", "tuning.interval", "100ms", "log.access", "false");
                try (BulwarkServer server = BulwarkServer.builder(TestServers.config(dir, flags)).configuredStore().build()
                        .start()) {
                    Http http = new Http(server.uri());
                    // A reading before the statements (the window's first), so that all ten fall in the window.
                    assertThat(http.get("/api/v1/tuning").status()).isEqualTo(200);
                    // Same database, same user as the store: pg_stat_statements counts these with its statements.
                    for (int i = 0; i < 10; i++) {
                        st.execute("SELECT pg_sleep(0.02)");
                    }
                    http.send("POST", "/api/v1/jobs", "{\"type\":\"builtin.noop\"}", Map.of());
                    JsonNode a = advice(http, "slow statement");
                    assertThat(a).as("slow statement advice in %s", http.get("/api/v1/tuning").body()).isNotNull();
                    assertThat(a.path("subject").asText()).isEqualTo("SELECT pg_sleep($1)");
                    assertThat(a.hasNonNull("setting")).as("nothing to change in the config").isFalse();
                    assertThat(a.path("current").asText()).matches("\\d+ ms on average");
                    assertThat(a.path("suggested").asText()).contains("EXPLAIN (ANALYZE, BUFFERS)");
                    assertThat(a.path("evidence").get(0).asText())
                            .containsPattern("10 executions in .* took \\d+ ms each on average").contains("tuning.slowStatement (15ms)");
                    assertThat(a.path("evidence").get(2).asText()).contains("pg_stat_statements");
                    // The store's own fast statements are not advised on.
                    long slow = 0;
                    for (JsonNode each : http.get("/api/v1/tuning").json().path("advice")) {
                        slow += each.path("area").asText().equals("slow statement") ? 1 : 0;
                    }
                    assertThat(slow).isEqualTo(1);
                }
            }
        }
    }
}
