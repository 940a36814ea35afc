package io.bulwark.server;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.bulwark.server.auth.ApiKeyStore;
import io.bulwark.server.auth.CreatedKey;
import io.bulwark.server.auth.Role;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every role and key state against every endpoint class, over real HTTP. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthMatrixTest {

    enum Caller { NONE, MALFORMED, UNKNOWN, REVOKED, VIEWER, OPERATOR, ADMIN, CONFIGURED_ADMIN }

    enum Endpoint {
        PUBLIC("GET", "/health/live", null, null),
        METRICS("GET", "/metrics", null, null),
        VIEW("GET", "/api/v1/server", null, Role.VIEWER),
        ACT("PUT", "/api/v1/loggers/io.bulwark.authtest", "{\"level\":\"debug\"}", Role.OPERATOR),
        ADMINISTER("GET", "/api/v1/keys", null, Role.ADMIN);

        final String method;
        final String path;
        final String body;
        final Role required;

        Endpoint(String method, String path, String body, Role required) {
            this.method = method;
            this.path = path;
            this.body = body;
            this.required = required;
        }
    }

    private static final String CONFIGURED = "configured-admin-secret-0123456789";

    @TempDir
    static Path dir;

    private BulwarkServer server;
    private Http http;
    private final Map<Caller, String> keys = new java.util.EnumMap<>(Caller.class);
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeAll
    void startServerWithKeys() {
        ApiKeyStore store = ApiKeyStore.open(dir, InstantSource.system());
        keys.put(Caller.VIEWER, store.create("viewer", Role.VIEWER).plaintext());
        keys.put(Caller.OPERATOR, store.create("operator", Role.OPERATOR).plaintext());
        keys.put(Caller.ADMIN, store.create("admin", Role.ADMIN).plaintext());
        CreatedKey revoked = store.create("gone", Role.ADMIN);
        store.revoke("gone");
        keys.put(Caller.REVOKED, revoked.plaintext());
        keys.put(Caller.UNKNOWN, "bwk_0123456789ab_" + "A".repeat(43));
        keys.put(Caller.MALFORMED, "not-a-key");
        keys.put(Caller.CONFIGURED_ADMIN, CONFIGURED);
        logs.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
        server = BulwarkServer.builder(TestServers.config(dir, Map.of(), Map.of("BULWARK_AUTH_ADMIN_KEY", CONFIGURED), null))
                .build().start();
        http = new Http(server.uri());
    }

    @AfterAll
    void stop() {
        server.close();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    }

    static Stream<Arguments> matrix() {
        List<Arguments> all = new ArrayList<>();
        for (Caller caller : Caller.values()) {
            for (Endpoint endpoint : Endpoint.values()) {
                all.add(Arguments.of(caller, endpoint, expected(caller, endpoint)));
            }
        }
        return all.stream();
    }

    private static int expected(Caller caller, Endpoint endpoint) {
        if (endpoint.required == null) {
            return 200;
        }
        Role role = switch (caller) {
            case NONE, MALFORMED, UNKNOWN, REVOKED -> null;
            case VIEWER -> Role.VIEWER;
            case OPERATOR -> Role.OPERATOR;
            case ADMIN, CONFIGURED_ADMIN -> Role.ADMIN;
        };
        if (role == null) {
            return 401;
        }
        return role.includes(endpoint.required) ? 200 : 403;
    }

    @ParameterizedTest(name = "{0} on {1} → {2}")
    @MethodSource("matrix")
    void everyCallerGetsTheStatusItsRoleAllows(Caller caller, Endpoint endpoint, int expected) {
        Map<String, String> headers = caller == Caller.NONE ? Map.of() : Http.bearer(keys.get(caller));
        Http.Response r = http.send(endpoint.method, endpoint.path, endpoint.body, headers);
        assertThat(r.status()).as(r.body()).isEqualTo(expected);
        if (expected >= 400) {
            assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
            assertThat(r.json().get("status").asInt()).isEqualTo(expected);
            assertThat(r.json().get("detail").asText()).isNotBlank();
        }
        if (expected == 401) {
            assertThat(r.header("WWW-Authenticate")).startsWith("Bearer");
        }
        if (expected == 403) {
            assertThat(r.json().get("detail").asText()).contains("needs the " + endpoint.required.id() + " role");
        }
    }

    @Test
    void failuresAreCountedByReasonAndNoKeyEverReachesTheLog() {
        http.get("/api/v1/server");
        http.get("/api/v1/server", Http.bearer(keys.get(Caller.UNKNOWN)));
        http.get("/api/v1/keys", Http.bearer(keys.get(Caller.VIEWER)));
        String metrics = http.get("/metrics").body();
        assertThat(metrics).containsPattern("bulwark_auth_failures_total\\{reason=\"missing\"} [1-9]");
        assertThat(metrics).containsPattern("bulwark_auth_failures_total\\{reason=\"invalid\"} [1-9]");
        assertThat(metrics).containsPattern("bulwark_auth_failures_total\\{reason=\"forbidden\"} [1-9]");
        List<String> messages = logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(messages).anyMatch(m -> m.contains("Refused"));
        for (String key : keys.values()) {
            assertThat(messages).noneMatch(m -> m.contains(key));
        }
    }
}
