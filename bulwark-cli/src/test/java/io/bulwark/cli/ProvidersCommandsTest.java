package io.bulwark.cli;

import io.bulwark.server.BulwarkServer;
import io.bulwark.test.http.FlakyServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code bulwark providers | breakers | degradation} against a running server with one provider group. */
class ProvidersCommandsTest {

    @TempDir
    Path dir;

    private final FlakyServer upstream = FlakyServer.start("up");
    private BulwarkServer server;
    private Map<String, String> env;

    @BeforeEach
    void start() {
        var config = CliServers.config(dir, Map.of("providers.up.group", "llm", "providers.up.baseUrl", upstream.uri().toString()));
        server = BulwarkServer.builder(config).configuredStore().build().start();
        env = Map.of("BULWARK_URL", server.uri().toString());
    }

    @AfterEach
    void stop() {
        server.close();
        upstream.close();
    }

    private CliRun ok(String... args) {
        CliRun r = CliRun.run(env, args);
        assertThat(r.exit()).as(r.err()).isZero();
        return r;
    }

    @Test
    void callsShowAnAsyncCallsAnswerAndRefuseToCancelAFinishedOne() throws Exception {
        upstream.succeed("the answer");
        var http = java.net.http.HttpClient.newHttpClient();
        var r = http.send(java.net.http.HttpRequest.newBuilder(server.uri().resolve("/api/v1/providers/llm/call/v1/chat"))
                .header("Prefer", "respond-async").POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        String id = io.bulwark.core.json.Json.mapper().readTree(r.body()).path("id").asText();

        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(15))
                .until(() -> ok("calls", "show", id).out().contains("completed"));
        String out = ok("calls", "show", id).out();
        assertThat(out).contains("POST /v1/chat on group llm, completed after 1 of 10 attempt(s)")
                .contains("answer: 200 from up (primary)").contains("the answer");
        assertThat(ok("calls", "show", id, "--output", "json").out()).contains("\"bodyEncoding\" : \"utf-8\"");

        CliRun finished = CliRun.run(env, "calls", "cancel", id);
        assertThat(finished.exit()).isEqualTo(1);
        assertThat(finished.err()).contains("has already finished: it is completed");
        CliRun bad = CliRun.run(env, "calls", "show", "nope");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("ID must be a call id");
    }

    @Test
    void listShowAndStatsOfProviders() {
        assertThat(ok("providers", "list").out()).contains("llm").contains("up").contains("CLOSED");
        assertThat(ok("providers", "show", "llm").out()).contains("strategy: round-robin");
        assertThat(ok("providers", "stats", "llm", "up").out()).contains("baseline: none");
        assertThat(ok("providers", "retries").out()).contains("\"default\"");
    }

    @Test
    void theQueueViewShowsEachPriorityAndItsSettings() {
        upstream.succeed("ok");
        String out = ok("providers", "queue", "llm").out();
        assertThat(out).contains("group llm: 0 waiting of 1000").contains("at most 500 per caller, 30s each, aging 1s")
                .contains("PRIORITY", "ADMITTED", "WAITP99MS");
        assertThat(out.lines().filter(l -> l.matches("\\s*[0-9] .*")).count()).as(out).isEqualTo(10);
        assertThat(ok("providers", "queue", "llm", "--watch", "--count", "2", "--interval", "100ms").out())
                .contains("group llm");
        assertThat(ok("providers", "queue", "llm", "-o", "json").out()).contains("\"retryAfterSeconds\"");
        CliRun missing = CliRun.run(env, "providers", "queue", "nope");
        assertThat(missing.exit()).isEqualTo(1);
        CliRun bad = CliRun.run(env, "providers", "queue", "llm", "--watch", "--interval", "soon");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("--interval");
    }

    @Test
    void aBaselineNeedsEnoughCallsAndSaysHowMany() {
        CliRun r = CliRun.run(env, "providers", "baseline", "llm", "up");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("had 0 calls").contains("resilience.drift.minimumCalls");
    }

    @Test
    void breakersAreForcedOpenAndReset() {
        assertThat(ok("breakers", "open", "up").out()).contains("FORCED_OPEN");
        assertThat(ok("breakers", "show", "up").out()).contains("FORCED_OPEN").contains("forced open by an operator");
        assertThat(ok("breakers", "reset", "up").out()).contains("CLOSED");
        assertThat(ok("breakers", "list").out()).contains("up").contains("llm");
    }

    @Test
    void degradationIsSwitchedOnAndOffByHand() {
        assertThat(ok("degradation", "enter", "llm", "--reason", "maintenance").out()).contains("maintenance").contains("true");
        assertThat(ok("degradation", "status").out()).contains("llm").contains("true");
        assertThat(ok("degradation", "exit", "llm").out()).contains("false");
    }

    @Test
    void aGroupIsSetFromAFileAndBadSettingsExitTwoNamingTheField() throws Exception {
        Path good = dir.resolve("group.json");
        Files.writeString(good, "{\"providers\":[{\"name\":\"other\",\"baseUrl\":\"" + upstream.uri() + "\"}]}");
        assertThat(ok("providers", "set", "chat", "--file", good.toString()).out()).contains("\"chat\"");

        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"providers\":[{\"name\":\"x\",\"baseUrl\":\"nope\"}]}");
        CliRun r = CliRun.run(env, "providers", "set", "chat2", "--file", bad.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("groups.chat2.providers[0].baseUrl");
    }
}
