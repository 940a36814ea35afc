package io.bulwark.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.test.http.FlakyServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code X-Bulwark-Retry-Max-Attempts} over real HTTP: the gateway in front of a FlakyServer that
 * fails on command, counting the attempts that reach it. Retries wait 0ms (baseDelay 0), so
 * nothing here waits.
 */
class GatewayRetryHeaderTest {

    private static final String HEADER = "X-Bulwark-Retry-Max-Attempts";

    @TempDir
    Path dir;

    private final FlakyServer upstream = FlakyServer.start("upstream");
    private final FlakyServer frugal = FlakyServer.start("frugal");
    private BulwarkServer server;
    private Http http;

    @BeforeEach
    void start() {
        // Group "g": one provider retrying up to 4 times with an ample budget. Group "tight": one
        // provider allowed up to 4 attempts by its config, but with a retry budget of zero.
        Map<String, String> flags = new java.util.HashMap<>(Map.of("log.access", "false",
                "providers.upstream.group", "g", "providers.upstream.baseUrl", upstream.uri().toString(),
                "providers.upstream.retry", "four",
                "providers.frugal.group", "tight", "providers.frugal.baseUrl", frugal.uri().toString(),
                "providers.frugal.retry", "nobudget"));
        flags.putAll(Map.of("retries.four.maxAttempts", "4", "retries.four.baseDelay", "0ms",
                "retries.four.maxDelay", "0ms", "retries.four.budgetPercent", "1000",
                "retries.nobudget.maxAttempts", "4", "retries.nobudget.baseDelay", "0ms",
                "retries.nobudget.maxDelay", "0ms", "retries.nobudget.budgetPercent", "0",
                "retries.nobudget.budgetMinPerSecond", "0"));
        server = BulwarkServer.builder(TestServers.config(dir, flags)).configuredStore().build().start();
        http = new Http(server.uri());
    }

    @AfterEach
    void stop() {
        server.close();
        upstream.close();
        frugal.close();
    }

    private Http.Response call(String group, Map<String, String> headers) {
        return http.send("POST", "/api/v1/providers/" + group + "/call", "{}", headers);
    }

    @Test
    void withoutTheHeaderTheGroupsRetryConfigDecides() {
        upstream.fail(503);

        assertThat(call("g", Map.of()).status()).isEqualTo(503);

        assertThat(upstream.requests()).isEqualTo(4);
    }

    @Test
    void theHeaderLowersTheAttemptsOfOneCall() {
        upstream.fail(503);

        Http.Response r = call("g", Map.of(HEADER, "2"));

        assertThat(r.status()).isEqualTo(503);
        assertThat(upstream.requests()).isEqualTo(2);
        assertThat(r.json().get("detail").asText()).contains("2 of the 4 attempts the retry policy allows");

        upstream.resetCounts();
        assertThat(call("g", Map.of(HEADER, "1")).status()).isEqualTo(503);
        assertThat(upstream.requests()).isEqualTo(1);
    }

    @Test
    void aRetriedCallStillSucceedsWithinTheAttemptsAsked() {
        upstream.succeed("ok").failNext(1, 503);

        Http.Response r = call("g", Map.of(HEADER, "2"));

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("ok");
        assertThat(upstream.requests()).isEqualTo(2);
    }

    @Test
    void aNumberAboveTheConfiguredMaxAttemptsIsClampedToIt() {
        upstream.fail(503);

        assertThat(call("g", Map.of(HEADER, "10")).status()).isEqualTo(503);
        assertThat(upstream.requests()).isEqualTo(4);

        upstream.resetCounts();
        assertThat(call("g", Map.of(HEADER, "99999999999")).status()).isEqualTo(503);
        assertThat(upstream.requests()).isEqualTo(4);
    }

    @Test
    void theRetryBudgetStillApplies() {
        frugal.fail(503);

        assertThat(call("tight", Map.of(HEADER, "3")).status()).isEqualTo(503);

        assertThat(frugal.requests()).as("a budget of zero allows no retry, whatever the header").isEqualTo(1);
    }

    @Test
    void aMissingNumberOrOneBelowOneIs400NamingTheHeaderAndTheRange() {
        upstream.succeed("ok");

        for (String bad : new String[] {"0", "-1", "two", "", "1.5", "3 attempts"}) {
            Http.Response r = call("g", Map.of(HEADER, bad));

            assertThat(r.status()).as("'%s'", bad).isEqualTo(400);
            assertThat(r.header("Content-Type")).startsWith("application/problem+json");
            JsonNode error = r.json().get("errors").get(0);
            assertThat(error.get("field").asText()).isEqualTo(HEADER);
            assertThat(error.get("message").asText()).as("'%s'", bad)
                    .contains("must be a whole number >= 1 but was '" + bad + "'")
                    .contains("allow 1 to 4 attempts");
        }
        assertThat(upstream.requests()).isZero();
    }
}
