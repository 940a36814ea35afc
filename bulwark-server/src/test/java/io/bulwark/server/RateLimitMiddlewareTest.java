package io.bulwark.server;

import io.bulwark.core.config.ConfigException;
import io.bulwark.core.state.StateStore;
import io.bulwark.server.auth.ApiKeyStore;
import io.bulwark.server.auth.CreatedKey;
import io.bulwark.server.auth.Role;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The rate-limit middleware over real HTTP on a random port. */
class RateLimitMiddlewareTest {

    @TempDir
    Path dir;

    private BulwarkServer server;
    private Http http;
    private CreatedKey viewer;
    private CreatedKey admin;

    private void start(Map<String, String> flags) {
        start(flags, StateStore.inMemory(InstantSource.system()));
    }

    private void start(Map<String, String> flags, StateStore state) {
        ApiKeyStore keys = ApiKeyStore.open(dir, InstantSource.system());
        if (viewer == null) {
            viewer = keys.create("viewer", Role.VIEWER);
            admin = keys.create("admin", Role.ADMIN);
        }
        server = BulwarkServer.builder(TestServers.config(dir, flags)).stateStore(state).build().start();
        http = new Http(server.uri());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static Map<String, String> serverLimited(String limits) {
        Map<String, String> flags = new HashMap<>();
        flags.put("ratelimit.endpoints.server.route", "GET /api/v1/server");
        flags.put("ratelimit.endpoints.server.limits", limits);
        flags.put("ratelimit.endpoints.server.bypass", "admin");
        flags.put("ratelimit.endpoints.usage.route", "GET /api/v1/rate-limits/{name}/keys/{key}");
        flags.put("ratelimit.endpoints.usage.limits", "100/1h");
        return flags;
    }

    private Http.Response get(String path, CreatedKey key, Map<String, String> extra) {
        Map<String, String> headers = new HashMap<>(extra);
        if (key != null) {
            headers.put("Authorization", "Bearer " + key.plaintext());
        }
        return http.get(path, headers);
    }

    private Http.Response get(String path, CreatedKey key) {
        return get(path, key, Map.of());
    }

    @Test
    void everyResponseOfALimitedRouteCarriesTheHeadersErrorsIncluded() {
        start(serverLimited("3/1h,100/1d"));
        Http.Response ok = get("/api/v1/server", viewer);
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.header("X-RateLimit-Limit")).isEqualTo("3");
        assertThat(ok.header("X-RateLimit-Remaining")).isEqualTo("2");
        assertThat(Long.parseLong(ok.header("X-RateLimit-Reset"))).isEqualTo(1200);

        Http.Response notFound = get("/api/v1/rate-limits/nope/keys/k", viewer);
        assertThat(notFound.status()).isEqualTo(404);
        assertThat(notFound.header("X-RateLimit-Limit")).isEqualTo("100");
        assertThat(notFound.header("X-RateLimit-Remaining")).isEqualTo("99");

        Http.Response unauthorized = get("/api/v1/server", null);
        assertThat(unauthorized.status()).isEqualTo(401);
        assertThat(unauthorized.header("X-RateLimit-Limit")).isEqualTo("3");
        assertThat(unauthorized.header("X-RateLimit-Remaining")).isNotNull();

        assertThat(get("/api/v1/keys", admin).header("X-RateLimit-Limit")).as("an unlimited route").isNull();
        assertThat(ok.header("RateLimit-Policy")).as("IETF headers are off by default").isNull();
    }

    @Test
    void rejectsWith429ProblemAndRetryAfterOnceOverTheLimit() {
        start(serverLimited("3/1h"));
        for (int i = 0; i < 3; i++) {
            assertThat(get("/api/v1/server", viewer).status()).isEqualTo(200);
        }
        Http.Response limited = get("/api/v1/server", viewer);
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.header("Content-Type")).startsWith("application/problem+json");
        assertThat(limited.header("Retry-After")).isEqualTo("1200");
        assertThat(limited.header("X-RateLimit-Remaining")).isEqualTo("0");
        assertThat(limited.json().get("type").asText()).isEqualTo("urn:bulwark:problem:rate-limited");
        assertThat(limited.json().get("detail").asText())
                .contains("rate limit 'server' exceeded for API key " + viewer.key().id()).contains("3/1h");

        String metrics = http.get("/metrics").body();
        assertThat(metrics).contains("bulwark_ratelimit_decisions_total{limiter=\"server\",outcome=\"allowed\"} 3.0")
                .contains("bulwark_ratelimit_decisions_total{limiter=\"server\",outcome=\"rejected\"} 1.0")
                .contains("bulwark_ratelimit_keys{limiter=\"server\"} 1.0");
    }

    @Test
    void theAdminRoleBypassesTheLimit() {
        start(serverLimited("1/1h"));
        for (int i = 0; i < 5; i++) {
            Http.Response r = get("/api/v1/server", admin);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("X-RateLimit-Limit")).isNull();
        }
        assertThat(get("/api/v1/server", viewer).status()).isEqualTo(200);
        assertThat(get("/api/v1/server", viewer).status()).isEqualTo(429);
    }

    @Test
    void aSpoofedForwardedForFromAnUntrustedPeerIsIgnored() {
        Map<String, String> flags = serverLimited("2/1h");
        flags.put("ratelimit.endpoints.server.key", "ip");
        start(flags);
        for (int i = 0; i < 2; i++) {
            assertThat(get("/api/v1/server", viewer, Map.of("X-Forwarded-For", "203.0.113." + i)).status()).isEqualTo(200);
        }
        Http.Response spoofed = get("/api/v1/server", viewer, Map.of("X-Forwarded-For", "198.51.100.7"));
        assertThat(spoofed.status()).isEqualTo(429);
        assertThat(spoofed.json().get("detail").asText()).contains("client 127.0.0.1");
    }

    @Test
    void forwardedForFromATrustedProxyNamesTheClient() {
        Map<String, String> flags = serverLimited("1/1h");
        flags.put("ratelimit.endpoints.server.key", "ip");
        flags.put("ratelimit.trustedProxies", "127.0.0.0/8, ::1");
        flags.put("ratelimit.ietfHeaders", "true");
        start(flags);
        Http.Response first = get("/api/v1/server", viewer, Map.of("X-Forwarded-For", "203.0.113.1"));
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.header("RateLimit-Policy")).isEqualTo("\"server-0\";q=1;w=3600");
        assertThat(first.header("RateLimit")).isEqualTo("\"server-0\";r=0;t=3600");
        assertThat(get("/api/v1/server", viewer, Map.of("X-Forwarded-For", "203.0.113.2")).status()).isEqualTo(200);
        Http.Response again = get("/api/v1/server", viewer, Map.of("X-Forwarded-For", "203.0.113.1"));
        assertThat(again.status()).isEqualTo(429);
        assertThat(again.json().get("detail").asText()).contains("client 203.0.113.1");
    }

    @Test
    void keysByANamedHeader() {
        Map<String, String> flags = serverLimited("1/1h");
        flags.put("ratelimit.endpoints.server.key", "header:X-Tenant");
        start(flags);
        assertThat(get("/api/v1/server", viewer, Map.of("X-Tenant", "a")).status()).isEqualTo(200);
        assertThat(get("/api/v1/server", viewer, Map.of("X-Tenant", "b")).status()).isEqualTo(200);
        assertThat(get("/api/v1/server", viewer, Map.of("X-Tenant", "a")).status()).isEqualTo(429);
    }

    @Test
    void badLimitsAlgorithmsUnitsAndRoutesFailStartupNamingTheKey() {
        assertThatThrownBy(() -> TestServers.config(dir, Map.of("ratelimit.endpoints.x.limits", "0/1m")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("ratelimit.endpoints.x.limits").hasMessageContaining("permits must be >= 1 but was 0");
        assertThatThrownBy(() -> TestServers.config(dir, Map.of("ratelimit.endpoints.x.limits", "10/1w")))
                .hasMessageContaining("ratelimit.endpoints.x.limits").hasMessageContaining("unknown unit 'w'");
        assertThatThrownBy(() -> TestServers.config(dir, Map.of("ratelimit.endpoints.x.algorithm", "tokenbuckett")))
                .hasMessageContaining("ratelimit.endpoints.x.algorithm")
                .hasMessageContaining("unknown algorithm 'tokenbuckett', allowed: token-bucket");
        assertThatThrownBy(() -> TestServers.config(dir, Map.of("ratelimit.endpoints.x.key", "cookie")))
                .hasMessageContaining("ratelimit.endpoints.x.key").hasMessageContaining("apiKey, ip or header:<Name>");
        assertThatThrownBy(() -> TestServers.config(dir, Map.of("ratelimit.trustedProxies", "proxy.local")))
                .hasMessageContaining("ratelimit.trustedProxies").hasMessageContaining("is not an IP address or CIDR");
        assertThatThrownBy(() -> start(Map.of("ratelimit.endpoints.x.limits", "10/1m")))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("ratelimit.endpoints.x.route: is required");
    }
}
