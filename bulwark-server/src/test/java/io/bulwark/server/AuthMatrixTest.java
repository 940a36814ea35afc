package io.bulwark.server;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.bulwark.server.auth.ApiKeyStore;
import io.bulwark.server.auth.CreatedKey;
import io.bulwark.server.auth.Role;
import io.bulwark.server.internal.http.AccessFilter;
import io.bulwark.server.internal.http.Anonymous;
import io.bulwark.server.internal.http.UiSession;
import io.bulwark.server.internal.ui.UiRoutes;
import io.bulwark.server.internal.http.RouteAccess;
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
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every route the server registers, read from its own route table, against every key state and
 * every method, over real HTTP. A route added tomorrow is in this matrix without anyone editing
 * it; a route registered without an access stops the server from starting.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthMatrixTest {

    enum Caller { NONE, MALFORMED, UNKNOWN, REVOKED, VIEWER, OPERATOR, ADMIN, CONFIGURED_ADMIN }

    private static final String CONFIGURED = "configured-admin-secret-0123456789";
    private static final List<String> METHODS = List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
    /** The routes under /api/ that need no key: the OpenAPI document and Swagger UI, which carry no data, and
     *  whoami, which tells a caller only what its own key is worth. */
    private static final java.util.Set<String> ANONYMOUS_API =
            java.util.Set.of("GET /api/v1/openapi.json", "GET /api/docs", "GET /api/docs/{file}", "GET /api/v1/whoami");

    @TempDir
    static Path dir;

    private BulwarkServer server;
    private Http http;
    private final Map<Caller, String> keys = new EnumMap<>(Caller.class);
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
        // The embedded job store, so that the jobs and queues routes are registered too.
        // A messaging connection (reached or not) puts the messaging routes in the table.
        server = BulwarkServer.builder(TestServers.config(dir, Map.of("messaging.connections.bus.type", "redis-streams",
                        "messaging.connections.bus.url", "redis://127.0.0.1:6379"), Map.of("BULWARK_AUTH_ADMIN_KEY", CONFIGURED), null))
                .configuredStore().build().start();
        http = new Http(server.uri());
    }

    @AfterAll
    void stop() {
        server.close();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    }

    /** Each path parameter filled with a value no resource has, so that no route acts on real state. */
    private static String fill(String path) {
        return path.replaceAll("\\{[^}]+}", "x-authtest").replaceAll("<[^>]+>", "x-authtest");
    }

    private List<RouteAccess.Route> routes() {
        return server.routeTable();
    }

    Stream<Arguments> routesByCaller() {
        List<Arguments> all = new ArrayList<>();
        for (RouteAccess.Route route : routes()) {
            for (Caller caller : Caller.values()) {
                all.add(Arguments.of(route.method() + " " + route.path(), route, caller));
            }
        }
        return all.stream();
    }

    Stream<Arguments> routesByOverrideHeader() {
        List<Arguments> all = new ArrayList<>();
        for (RouteAccess.Route route : routes()) {
            for (String header : AccessFilter.METHOD_OVERRIDE_HEADERS) {
                all.add(Arguments.of(route.method() + " " + route.path(), route, header));
            }
        }
        return all.stream();
    }

    private static Role roleOf(Caller caller) {
        return switch (caller) {
            case NONE, MALFORMED, UNKNOWN, REVOKED -> null;
            case VIEWER -> Role.VIEWER;
            case OPERATOR -> Role.OPERATOR;
            case ADMIN, CONFIGURED_ADMIN -> Role.ADMIN;
        };
    }

    private Map<String, String> headers(Caller caller) {
        return caller == Caller.NONE ? Map.of() : Http.bearer(keys.get(caller));
    }

    @Test
    void theRouteTableIsTheWholeApiAndEveryRouteDeclaresItsAccess() {
        List<RouteAccess.Route> table = routes();
        assertThat(table).hasSizeGreaterThan(40);
        assertThat(table).contains(new RouteAccess.Route("DELETE", "/api/v1/keys/{id}", Role.ADMIN),
                new RouteAccess.Route("PUT", "/api/v1/loggers/{name}", Role.ADMIN),
                new RouteAccess.Route("GET", "/health/live", Anonymous.ALLOWED),
                new RouteAccess.Route("POST", "/api/v1/jobs", Role.OPERATOR));
        assertThat(table).allSatisfy(r -> assertThat(r.access()).isNotNull());
        // The dashboard: only the login page, its files and the end of a session are open.
        assertThat(table).filteredOn(r -> r.path().startsWith("/ui") && r.access() instanceof Anonymous)
                .extracting(r -> r.method() + " " + r.path()).containsExactlyInAnyOrder("GET /ui/login",
                        "GET /ui/public/{version}/{file}", "DELETE /ui/session");
        assertThat(table).filteredOn(r -> r.access() instanceof UiSession).extracting(RouteAccess.Route::path)
                .containsExactlyInAnyOrder("/ui", "/ui/{page}", "/ui/assets/{version}/{file}");
        // Under /api/ only the API's own description is open: it carries no data, like /health.
        assertThat(table).filteredOn(r -> r.path().startsWith("/api/") && !(r.access() instanceof Role))
                .extracting(r -> r.method() + " " + r.path()).containsExactlyInAnyOrderElementsOf(ANONYMOUS_API);
    }

    @ParameterizedTest(name = "{0} as {2}")
    @MethodSource("routesByCaller")
    void everyCallerGetsTheStatusItsRoleAllowsWithTheRouteMethodAndHead(String name, RouteAccess.Route route, Caller caller) {
        List<String> methods = route.method().equals("GET") ? List.of("GET", "HEAD") : List.of(route.method());
        for (String method : methods) {
            Http.Response r = http.send(method, fill(route.path()), null, headers(caller));
            String what = method + " " + fill(route.path()) + " as " + caller + ": " + r.body();
            if (route.access() instanceof Role required) {
                Role role = roleOf(caller);
                if (role == null) {
                    assertThat(r.status()).as(what).isEqualTo(401);
                    assertThat(r.header("WWW-Authenticate")).as(what).startsWith("Bearer");
                } else if (!role.includes(required)) {
                    assertThat(r.status()).as(what).isEqualTo(403);
                    if (!method.equals("HEAD")) {
                        assertThat(r.json().get("detail").asText()).contains("needs the " + required.id() + " role");
                    }
                } else {
                    assertThat(r.status()).as(what).isNotIn(401, 403, 500);
                }
                if (r.status() == 401 || r.status() == 403) {
                    assertThat(r.header("Content-Type")).as(what).isEqualTo("application/problem+json");
                }
            } else if (route.access() instanceof UiSession && roleOf(caller) == null) {
                // A dashboard page sends a browser without a session to log in; an asset is refused.
                if (route.path().startsWith(UiRoutes.ASSETS)) {
                    assertThat(r.status()).as(what).isEqualTo(401);
                } else {
                    assertThat(r.status()).as(what).isEqualTo(303);
                    assertThat(r.header("Location")).as(what).startsWith("/ui/login?next=");
                }
            } else {
                assertThat(r.status()).as(what).isNotIn(401, 403, 500);
            }
        }
    }

    @ParameterizedTest(name = "{0} with {2}")
    @MethodSource("routesByOverrideHeader")
    void methodOverrideHeadersAreRefusedWhateverTheKey(String name, RouteAccess.Route route, String header) {
        for (Caller caller : List.of(Caller.NONE, Caller.VIEWER, Caller.ADMIN)) {
            Map<String, String> h = new java.util.HashMap<>(headers(caller));
            h.put(header, route.method().equals("GET") ? "DELETE" : route.method());
            for (String sent : List.of("GET", route.method())) {
                Http.Response r = http.send(sent, fill(route.path()), null, h);
                String what = sent + " " + fill(route.path()) + " with " + header + " as " + caller + ": " + r.body();
                assertThat(r.status()).as(what).isEqualTo(400);
                assertThat(r.header("Content-Type")).as(what).isEqualTo("application/problem+json");
                assertThat(r.json().get("detail").asText()).as(what).contains(header);
            }
        }
    }

    @Test
    void withoutAKeyNoMethodOnAnyApiPathGetsPastAuthentication() {
        for (RouteAccess.Route route : routes().stream().filter(r -> r.path().startsWith("/api/")).toList()) {
            String path = fill(route.path());
            for (String method : METHODS) {
                Http.Response r = http.send(method, path, null, Map.of());
                boolean open = ANONYMOUS_API.contains(route.method() + " " + route.path())
                        && (method.equals(route.method()) || (method.equals("HEAD") && route.method().equals("GET")));
                if (open) {
                    assertThat(r.status()).as(method + " " + path + ": " + r.body()).isIn(200, 404);
                } else {
                    assertThat(r.status()).as(method + " " + path + ": " + r.body()).isIn(401, 404, 405);
                }
            }
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
