package io.bulwark.cli;

import io.bulwark.server.BulwarkServer;
import io.bulwark.test.db.PrivatePostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code bulwark tune}: nothing to advise on a quiet server; a cache diff on one that evicts what it reads. */
class TuneCommandTest {

    @TempDir
    Path dir;

    @Test
    void printsEachAdviceAsAConfigDiffWithItsEvidence() throws Exception {
        try (BulwarkServer server = BulwarkServer.builder(CliServers.config(dir, Map.of("cache.hot.maximumSize", "10",
                "tuning.interval", "100ms"))).configuredStore().build().start()) {
            String url = server.uri().toString();
            CliRun quiet = CliRun.run("tune", "--url", url);
            assertThat(quiet.exit()).as(quiet.err()).isZero();
            assertThat(quiet.out()).startsWith("no advice: nothing in the last");

            HttpClient http = HttpClient.newHttpClient();
            for (int i = 0; i < 100; i++) {
                http.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/caches/hot/keys/k" + i))
                        .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString("1")).build(),
                        HttpResponse.BodyHandlers.discarding());
            }
            for (int i = 0; i < 200; i++) {
                http.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/caches/hot/keys/k" + (i * 7 % 100))).build(),
                        HttpResponse.BodyHandlers.discarding());
            }
            CliRun tune = CliRun.run("tune", "--url", url);
            assertThat(tune.exit()).as(tune.err()).isZero();
            assertThat(tune.out()).contains("# cache hot:").contains("#   hit ratio")
                    .contains("- cache.hot.maximumSize: 10").contains("+ cache.hot.maximumSize: 40");
        }
    }

    @Test
    void printsASlowStatementWithWhereToLookInsteadOfADiff(@TempDir Path pgDir) throws Exception {
        try (PrivatePostgres pg = PrivatePostgres.start(pgDir, java.util.List.of("shared_preload_libraries=pg_stat_statements"));
             java.sql.Connection c = java.sql.DriverManager.getConnection(pg.url(), pg.user(), null);
             java.sql.Statement st = c.createStatement()) {
            st.execute("CREATE EXTENSION pg_stat_statements");
            try (BulwarkServer server = BulwarkServer.builder(CliServers.config(dir, Map.of("store.url", pg.url(),
                    "store.user", pg.user(), "tuning.slowStatement", "15ms", "tuning.interval", "100ms")))
                    .configuredStore().build().start()) {
                // A reading before the statements (the window's first), so that all ten fall in the window.
                assertThat(CliRun.run("tune", "--url", server.uri().toString()).exit()).isZero();
                for (int i = 0; i < 10; i++) {
                    st.execute("SELECT pg_sleep(0.02)");
                }
                CliRun tune = CliRun.run("tune", "--url", server.uri().toString());
                assertThat(tune.exit()).as(tune.err()).isZero();
                assertThat(tune.out()).contains("# slow statement SELECT pg_sleep($1):")
                        .containsPattern("#   10 executions in .* took \\d+ ms each on average")
                        .containsPattern("# now: \\d+ ms on average")
                        .contains("# suggest: look at its plan with EXPLAIN (ANALYZE, BUFFERS)")
                        .doesNotContain("- null");
            }
        }
    }
}
