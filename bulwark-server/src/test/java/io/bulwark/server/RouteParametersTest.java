package io.bulwark.server;

import io.bulwark.server.auth.ApiKeyStore;
import io.bulwark.server.auth.Role;
import io.bulwark.server.internal.http.RouteAccess;
import io.bulwark.test.services.LocalService;
import io.bulwark.test.services.RequiresService;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The parameters of every {@code /api/} route, tried on each route of the server's own route table
 * so that a new one is covered at once: a route takes the query parameters it lists and no others,
 * each once (a misspelt filter or a parameter of another route is a 400 naming it, never ignored
 * while the answer looks filtered), and no path or query parameter, however long or odd, gets a 5xx.
 */
@RequiresService(LocalService.REDIS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RouteParametersTest {

    private static final String UNLISTED = "bulwarkNoSuchParameter";
    private static final String PASS_THROUGH = "/api/v1/providers/{group}/call/<path>";

    @TempDir
    static Path dir;

    private BulwarkServer server;
    private Http http;
    private Map<String, String> admin;

    @BeforeAll
    void start() {
        admin = Http.bearer(ApiKeyStore.open(dir, InstantSource.system()).create("admin", Role.ADMIN).plaintext());
        server = BulwarkServer.builder(TestServers.config(dir, Map.of("messaging.connections.bus.type", "redis-streams",
                        "messaging.connections.bus.url", "redis://127.0.0.1:6379")))
                .configuredStore().build().start();
        http = new Http(server.uri());
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void everyApiRouteRefusesAParameterItDoesNotListBeforeItActs() {
        List<RouteAccess.Route> api = server.routeTable().stream()
                .filter(r -> r.path().startsWith("/api/v1/") && !r.path().equals(PASS_THROUGH)).toList();
        assertThat(api).hasSizeGreaterThan(100);
        for (RouteAccess.Route r : api) {
            String path = Http.concrete(r.path(), "x-querytest", "x-querytest");
            Http.Response res = http.send(r.method(), path + "?" + UNLISTED + "=1", r.method().equals("GET") ? null : "{}",
                    admin);
            String what = r.method() + " " + r.path() + " -> " + res.status() + " " + res.body();
            assertThat(res.status()).as(what).isEqualTo(400);
            JsonNode error = res.json().get("errors").get(0);
            assertThat(error.get("field").asText()).as(what).isEqualTo(UNLISTED);
            assertThat(error.get("message").asText()).as(what).startsWith("is not a query parameter of this route");
        }
    }

    @Test
    void aServedPathWithAnotherMethodIsA405ListingTheMethodsItTakes() {
        List<RouteAccess.Route> table = server.routeTable();
        List<String> failed = new ArrayList<>();
        int tried = 0;
        for (String template : table.stream().map(RouteAccess.Route::path).distinct().toList()) {
            String path = Http.concrete(template, "x-methodtest", "x-methodtest");
            // Every route whose template matches the path, not only this template's: /jobs/{id} also matches /jobs/stats.
            Set<String> served = new TreeSet<>();
            for (RouteAccess.Route r : table) {
                if (path.matches(Http.concrete(r.path(), "[^/]+", ".+"))) {
                    served.add(r.method());
                }
            }
            if (served.contains("GET")) {
                served.add("HEAD");
            }
            for (String method : List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")) {
                if (served.contains(method)) {
                    continue;
                }
                tried++;
                Http.Response res = http.send(method, path, null, admin);
                Set<String> allow = new TreeSet<>(
                        List.of(res.headers().firstValue("Allow").orElse("").split(",\\s*")));
                if (res.status() != 405 || !allow.equals(served)) {
                    failed.add(method + " " + path + " -> " + res.status() + " Allow " + allow + ", served " + served);
                } else if (!method.equals("HEAD")
                        && !res.json().get("type").asText().equals("urn:bulwark:problem:method-not-allowed")) {
                    failed.add(method + " " + path + " -> " + res.body());
                }
            }
        }
        assertThat(tried).as("method and path pairs tried").isGreaterThan(300);
        assertThat(failed).as("paths whose other methods did not answer 405 with Allow").isEmpty();

        // Only a caller who may use one of the path's methods learns them; a path no route has stays a 404.
        assertThat(http.send("PATCH", "/api/v1/jobs", null, Map.of()).status()).isEqualTo(401);
        assertThat(http.send("PUT", "/health/ready", null, Map.of()).status()).isEqualTo(405);
        assertThat(http.send("PATCH", "/api/v1/no-such-thing", null, admin).status()).isEqualTo(404);
        Http.Response patch = http.send("PATCH", "/api/v1/jobs", null, admin);
        assertThat(patch.json().get("detail").asText()).isEqualTo("this path does not take PATCH; it takes GET, HEAD, POST");
    }

    @Test
    void noPathParameterGetsA5xxHoweverLongOrOdd() {
        List<String> failed = new ArrayList<>();
        for (RouteAccess.Route r : server.routeTable()) {
            if (!r.path().startsWith("/api/v1/") || !r.path().contains("{")) {
                continue;
            }
            // 3,000 characters: over every name's limit, and with two parameters still within Jetty's 8 KiB request line.
            for (String value : new String[]{"k".repeat(3000), "%E2%80%AE%F0%9F%92%A5", "a.b", "-"}) {
                Http.Response res = http.sendOrDropped(r.method(), Http.concrete(r.path(), value, "x-paramtest"), Http.emptyBodyFor(r.method()),
                        admin);
                if (res.serverFault()) {
                    failed.add(r.method() + " " + r.path() + " with " + value.substring(0, Math.min(20, value.length()))
                            + " -> " + res.status() + " " + res.body());
                }
            }
        }
        assertThat(failed).as("routes that answered 5xx; the server log has each cause").isEmpty();
    }

    @Test
    void noQueryParameterGetsA5xxWhateverItsValue() {
        List<String> failed = new ArrayList<>();
        int tried = 0;
        for (RouteAccess.DocumentedRoute r : server.documentedRoutes()) {
            if (!r.path().startsWith("/api/v1/") || r.path().equals(PASS_THROUGH)) {
                continue;
            }
            String path = Http.concrete(r.path(), "x-paramtest", "x-paramtest");
            for (String name : r.doc().queryNames()) {
                for (String value : new String[]{"k".repeat(3000), "", "-1", "0", "99999999999999999999", "1e400", "NaN",
                        "%E2%80%AE%F0%9F%92%A5", "%20", "null", "true", "2026-13-45T25:61:61Z", "-999999999d"}) {
                    tried++;
                    Http.Response res = http.sendOrDropped(r.method(), path + "?" + name + "=" + value, Http.emptyBodyFor(r.method()), admin);
                    if (res.serverFault()) {
                        failed.add(r.method() + " " + r.path() + "?" + name + "=" + value.substring(0, Math.min(20, value.length()))
                                + " -> " + res.status() + " " + res.body());
                    }
                }
            }
        }
        assertThat(tried).as("values tried").isGreaterThan(200);
        assertThat(failed).as("routes that answered 5xx; the server log has each cause").isEmpty();
    }

    @Test
    void theProblemNamesTheParameterAndWhatTheRouteTakes() {
        Http.Response events = http.send("GET", "/api/v1/events?since=2026-01-01T00:00:00Z", null, admin);
        assertThat(events.status()).isEqualTo(400);
        assertThat(events.json().get("errors").get(0).get("field").asText()).isEqualTo("since");
        assertThat(events.json().get("errors").get(0).get("message").asText())
                .isEqualTo("is not a query parameter of this route; it takes after, kind, limit");

        Http.Response locks = http.send("GET", "/api/v1/locks?limit=5", null, admin);
        assertThat(locks.status()).isEqualTo(400);
        assertThat(locks.json().get("errors").get(0).get("message").asText())
                .isEqualTo("is not a query parameter of this route, which takes none");
    }

    @Test
    void aListedParameterGivenTwiceIsRefusedAndOnceIsFine() {
        Http.Response twice = http.send("GET", "/api/v1/jobs?limit=1&limit=2", null, admin);
        assertThat(twice.status()).isEqualTo(400);
        assertThat(twice.json().get("errors").get(0).get("field").asText()).isEqualTo("limit");
        assertThat(twice.json().get("errors").get(0).get("message").asText()).isEqualTo("is given 2 times; give it once");

        assertThat(http.send("GET", "/api/v1/jobs?state=dead&limit=2", null, admin).status()).isEqualTo(200);
        assertThat(http.send("GET", "/api/v1/events?kind=breaker.&after=0&limit=5", null, admin).status()).isEqualTo(200);
    }

    @Test
    void authenticationComesFirstAndProbesAndScrapersMayAddTheirOwn() {
        assertThat(http.send("GET", "/api/v1/jobs?" + UNLISTED + "=1", null, Map.of()).status()).isEqualTo(401);
        assertThat(http.send("GET", "/health/ready?probe=kubelet", null, Map.of()).status()).isEqualTo(200);
        assertThat(http.send("GET", "/metrics?name[]=bulwark_jobs", null, Map.of()).status()).isEqualTo(200);
    }

}
