package io.bulwark.server;

import io.bulwark.test.http.FlakyServer;
import io.bulwark.test.http.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /api/v1/providers/{group}/call/<path>} over real HTTP: every method, the path and query
 * string reach the provider as sent, Bulwark's credentials do not, and a path that would leave
 * the provider's base URL is refused before anything is sent.
 */
class GatewayPassThroughTest {

    @TempDir
    Path dir;

    private final FlakyServer upstream = FlakyServer.start("upstream");
    private BulwarkServer server;
    private Http http;
    private String key;

    @BeforeEach
    void start() {
        key = io.bulwark.server.auth.ApiKeyStore.open(dir, java.time.InstantSource.system())
                .create("caller", io.bulwark.server.auth.Role.OPERATOR).plaintext();
        server = TestServers.start(dir, Map.of("log.access", "false", "providers.up.group", "g",
                "providers.up.baseUrl", upstream.uri("/base").toString(), "providers.up.authHeader", "X-Api-Key",
                "providers.up.authSecret", "env:PATH"));
        http = new Http(server.uri());
        upstream.echo();
    }

    @AfterEach
    void stop() {
        server.close();
        upstream.close();
    }

    @Test
    void everyMethodPathAndQueryReachTheProviderAsSent() {
        for (String method : List.of("GET", "POST", "PUT", "PATCH", "DELETE")) {
            String body = method.equals("GET") || method.equals("DELETE") ? null : "{\"m\":\"" + method + "\"}";
            Http.Response r = http.send(method, "/api/v1/providers/g/call/v1/files/a%20b?limit=2&order=desc", body,
                    Map.of("Authorization", "Bearer " + key, "X-Custom", "kept"));
            assertThat(r.status()).as(method + " " + r.body()).isEqualTo(200);
            assertThat(r.header("X-Bulwark-Provider")).isEqualTo("up");
            RecordedRequest seen = upstream.lastRequest().orElseThrow();
            assertThat(seen.method()).isEqualTo(method);
            assertThat(seen.path()).as("decoded by the provider").isEqualTo("/base/v1/files/a b");
            assertThat(seen.query()).isEqualTo("limit=2&order=desc");
            assertThat(seen.header("X-Custom")).contains("kept");
            assertThat(seen.header("Authorization")).as("the caller's Bulwark key stays here").isEmpty();
            assertThat(seen.header("X-Api-Key")).as("the provider's own secret is added").isPresent();
            if (body != null) {
                assertThat(seen.bodyText()).isEqualTo(body);
            }
        }
    }

    @Test
    void aPathThatWouldLeaveTheBaseUrlIsRefusedAndNothingIsSent() {
        for (String bad : List.of("/api/v1/providers/g/call/v1/%2e%2e/admin", "/api/v1/providers/g/call/v1/..%2fadmin",
                "/api/v1/providers/g/call/v1/%252e%252e/admin")) {
            Http.Response r = http.send("GET", bad, null, Http.bearer(key));
            assertThat(r.status()).as(bad).isEqualTo(400);
            assertThat(r.json().path("errors").path(0).path("field").asText()).isEqualTo("path");
        }
        assertThat(upstream.requests()).isZero();
        assertThat(http.send("GET", "/api/v1/providers/nope/call/v1/models", null, Http.bearer(key)).status())
                .isEqualTo(404);
    }
}
