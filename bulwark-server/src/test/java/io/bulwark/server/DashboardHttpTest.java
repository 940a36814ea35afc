package io.bulwark.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.server.auth.ApiKeyStore;
import io.bulwark.server.auth.Role;
import io.bulwark.server.internal.ui.UiAssets;
import io.bulwark.server.internal.ui.UiRoutes;
import io.bulwark.server.internal.ui.UiSessions;
import io.bulwark.core.time.SettableClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.time.Duration;
import java.time.Instant;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard's routes over plain HTTP: every page and asset behind the session cookie but the
 * login page and its files, the cookie itself (attributes, binding to its key, expiry, forgery),
 * their headers (CSP, caching), the fingerprinted asset URLs, {@code whoami}, and the refusal of
 * cross-site requests that would change state.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardHttpTest {

    /** Text that only the store holds: no dashboard file may contain it. */
    private static final String MARKER = "marker-7f3a9c";

    @TempDir
    static Path dir;

    private BulwarkServer server;
    private Http http;
    private String admin;
    private String viewer;
    /** The viewer's dashboard session, as the browser sends it back. */
    private Map<String, String> session;

    @BeforeAll
    void start() {
        ApiKeyStore store = ApiKeyStore.open(dir, InstantSource.system());
        admin = store.create("admin", Role.ADMIN).plaintext();
        viewer = store.create("viewer", Role.VIEWER).plaintext();
        server = BulwarkServer.builder(TestServers.config(dir, Map.of("log.access", "false"))).configuredStore().build().start();
        http = new Http(server.uri());
        Http.Response r = http.send("POST", "/api/v1/jobs", "{\"queue\":\"" + MARKER + "\",\"type\":\"builtin.noop\","
                + "\"delay\":\"1h\",\"payload\":{\"secret\":\"" + MARKER + "\"}}", Http.bearer(admin));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        session = sessionOf(http, viewer);
    }

    /** Starts a session with {@code key} as the login page does; the Cookie header that carries it. */
    private static Map<String, String> sessionOf(Http http, String key) {
        Http.Response r = http.send("POST", UiSessions.PATH, null, Http.bearer(key));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        String cookie = r.header("Set-Cookie");
        assertThat(cookie).startsWith(UiSessions.COOKIE + "=");
        return Map.of("Cookie", cookie.substring(0, cookie.indexOf(';')));
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private String version() {
        Matcher m = Pattern.compile("/ui/assets/([0-9a-f]{16})/app\\.js").matcher(http.get("/ui", session).body());
        assertThat(m.find()).as("the page names its script with the fingerprint").isTrue();
        return m.group(1);
    }

    /** Every URL the dashboard serves: its pages and every asset. */
    private List<String> everyUrl() {
        List<String> urls = new ArrayList<>();
        urls.add("/ui");
        UiRoutes.PAGES.forEach(p -> urls.add("/ui/" + p));
        String v = version();
        UiAssets.load().names().forEach(n -> urls.add("/ui/assets/" + v + "/" + n));
        return urls;
    }

    @Test
    void everyPageAndAssetNeedsASessionButTheLoginPageAndTheFilesItLoads() {
        for (String url : everyUrl()) {
            Http.Response anonymous = http.get(url);
            if (url.startsWith(UiRoutes.ASSETS)) {
                assertThat(anonymous.status()).as(url).isEqualTo(401);
                assertThat(anonymous.header("Content-Type")).as(url).isEqualTo("application/problem+json");
                assertThat(anonymous.json().get("detail").asText()).as(url).contains("/ui/login");
            } else {
                assertThat(anonymous.status()).as(url).isEqualTo(303);
                assertThat(anonymous.header("Location")).as(url)
                        .isEqualTo("/ui/login?next=" + URLEncoder.encode(url, StandardCharsets.UTF_8));
            }
            Http.Response withSession = http.get(url, session);
            Http.Response withKey = http.get(url, Http.bearer(admin));
            assertThat(withSession.status()).as(url).isEqualTo(200);
            // The same files for every caller, and no data in any of them.
            assertThat(withSession.body()).as(url).isEqualTo(withKey.body()).doesNotContain(MARKER);
        }
        assertThat(http.get("/ui/jobs?state=dead").header("Location")).isEqualTo("/ui/login?next=%2Fui%2Fjobs%3Fstate%3Ddead");
        // The login page and the three files it loads are served to anyone, and nothing else is.
        String login = http.get(UiRoutes.LOGIN).body();
        assertThat(http.get(UiRoutes.LOGIN).status()).isEqualTo(200);
        Matcher files = Pattern.compile("\"(" + UiRoutes.PUBLIC + "/[0-9a-f]{16}/([a-z.]+))\"").matcher(login);
        List<String> loaded = new ArrayList<>();
        while (files.find()) {
            assertThat(http.get(files.group(1)).status()).as(files.group(1)).isEqualTo(200);
            loaded.add(files.group(2));
        }
        assertThat(loaded).containsExactlyInAnyOrder("app.css", "login.js");
        assertThat(UiRoutes.PUBLIC_FILES).containsExactlyInAnyOrder("app.css", "login.js", "api.js");
        String v = version();
        assertThat(http.get(UiRoutes.PUBLIC + "/" + v + "/api.js").status()).isEqualTo(200);
        for (String other : UiAssets.load().names()) {
            if (!UiRoutes.PUBLIC_FILES.contains(other)) {
                assertThat(http.get(UiRoutes.PUBLIC + "/" + v + "/" + other).status()).as(other).isEqualTo(404);
            }
        }
        // The data is behind the key, and the session cookie does not stand in for it.
        assertThat(http.get("/api/v1/jobs?queue=" + MARKER).status()).isEqualTo(401);
        assertThat(http.get("/api/v1/jobs?queue=" + MARKER, session).status()).isEqualTo(401);
        assertThat(http.get("/api/v1/jobs?queue=" + MARKER, Http.bearer(viewer)).body()).contains(MARKER);
        assertThat(http.get("/metrics").body()).containsPattern("bulwark_auth_failures_total\\{reason=\"session\"} [1-9]")
                .containsPattern("bulwark_ui_sessions_total [1-9]");
    }

    @Test
    void theSessionCookieIsHttpOnlyScopedToTheDashboardAndEndsWithItsKey() {
        ApiKeyStore store = ApiKeyStore.open(dir, InstantSource.system());
        String temporary = store.create("temporary", Role.VIEWER).plaintext();
        Http.Response started = http.send("POST", UiSessions.PATH, null, Http.bearer(temporary));
        assertThat(started.header("Set-Cookie")).matches(UiSessions.COOKIE + "=v1\\.[0-9a-f]{12}\\.[0-9]+\\.[A-Za-z0-9_-]{43}; "
                + "Path=/ui; Max-Age=43200; HttpOnly; SameSite=Lax");
        assertThat(started.header("Cache-Control")).isEqualTo("no-store");
        assertThat(started.json().get("expiresAt").asText()).isNotBlank();
        assertThat(started.json().get("open").asBoolean()).isFalse();
        Map<String, String> cookie = sessionOf(http, temporary);
        assertThat(http.get("/ui/queues", cookie).status()).isEqualTo(200);

        // A forged or altered cookie is no session.
        String value = cookie.get("Cookie");
        String[] parts = value.substring(value.indexOf('=') + 1).split("\\.");
        long later = Long.parseLong(parts[2]) + 86_400;
        for (String forged : List.of(parts[0] + "." + parts[1] + "." + later + "." + parts[3],
                parts[0] + ".admin." + parts[2] + "." + parts[3], "v1." + parts[1] + "." + parts[2] + ".AAAA",
                "v2." + parts[1] + "." + parts[2] + "." + parts[3], "garbage", "")) {
            assertThat(http.get("/ui/queues", Map.of("Cookie", UiSessions.COOKIE + "=" + forged)).status()).as(forged)
                    .isEqualTo(303);
        }
        // Starting one needs a valid key; ending one clears the cookie.
        assertThat(http.send("POST", UiSessions.PATH, null, Map.of()).status()).isEqualTo(401);
        assertThat(http.send("POST", UiSessions.PATH, null, Http.bearer("bwk_0123456789ab_" + "A".repeat(43))).status())
                .isEqualTo(401);
        Http.Response ended = http.send("DELETE", UiSessions.PATH, null, cookie);
        assertThat(ended.status()).isEqualTo(204);
        assertThat(ended.header("Set-Cookie")).isEqualTo(UiSessions.COOKIE + "=; Path=/ui; Max-Age=0; HttpOnly; SameSite=Lax");

        // Revoking the key ends its sessions at once.
        store.revoke("temporary");
        assertThat(http.get("/ui/queues", cookie).status()).isEqualTo(303);
        assertThat(http.get("/ui/queues", session).status()).isEqualTo(200);
    }

    @Test
    void aSessionEndsWhenItsTimeIsUpAndTheConfiguredAdminKeyHasSessionsToo(@TempDir Path other) {
        SettableClock clock = SettableClock.at(Instant.parse("2026-12-05T12:00:00Z"));
        String configured = "configured-admin-secret-0123456789";
        try (BulwarkServer timed = BulwarkServer.builder(TestServers.config(other, Map.of("log.access", "false",
                        "auth.uiSessionTtl", "30m"), Map.of("BULWARK_AUTH_ADMIN_KEY", configured), null))
                .clock(clock).build().start()) {
            Http client = new Http(timed.uri());
            Map<String, String> cookie = sessionOf(client, configured);
            assertThat(cookie.get("Cookie")).contains("=v1.admin.");
            assertThat(client.get("/ui", cookie).status()).isEqualTo(200);
            clock.advance(Duration.ofMinutes(29));
            assertThat(client.get("/ui", cookie).status()).isEqualTo(200);
            clock.advance(Duration.ofMinutes(1));
            assertThat(client.get("/ui", cookie).status()).isEqualTo(303);
            assertThat(client.get("/ui/assets/" + UiAssets.load().version() + "/app.js", cookie).status()).isEqualTo(401);
        }
    }

    @Test
    void everyDashboardResponseForbidsInlineScriptsFramingAndMarkupFromStrings() {
        List<String> urls = everyUrl();
        urls.add(UiRoutes.LOGIN);
        urls.add(UiRoutes.PUBLIC + "/" + version() + "/login.js");
        for (String url : urls) {
            Http.Response r = http.get(url, session);
            String csp = r.header("Content-Security-Policy");
            assertThat(csp).as(url).contains("script-src 'self'", "style-src 'self'", "frame-ancestors 'none'",
                    "require-trusted-types-for 'script'", "default-src 'none'").doesNotContain("unsafe-inline", "unsafe-eval");
            assertThat(r.header("X-Content-Type-Options")).as(url).isEqualTo("nosniff");
            assertThat(r.header("Referrer-Policy")).as(url).isEqualTo("no-referrer");
        }
    }

    @Test
    void thePagesHoldNoInlineScriptOrStyleAndLoadOnlyFilesOfThisServer() {
        for (String page : List.of("/ui", "/ui/login")) {
            String html = http.get(page, session).body();
            assertThat(html).as(page).doesNotContainPattern("<script(?![^>]*\\ssrc=)").doesNotContain("<style", " style=",
                    "http://", "https://", "//cdn");
            Matcher m = Pattern.compile("(?:src|href)=\"([^\"]+)\"").matcher(html);
            while (m.find()) {
                String url = m.group(1);
                if (url.startsWith("data:") || url.equals("#main")) {
                    continue;
                }
                assertThat(url).as(page).startsWith("/");
                assertThat(http.get(url, session).status()).as(page + " loads " + url).isEqualTo(200);
            }
        }
    }

    @Test
    void scriptsImportOnlyFilesOfTheSetAndNeverAssignMarkup() throws IOException, URISyntaxException {
        Set<String> names = UiAssets.load().names();
        Path folder = Path.of(UiAssets.class.getResource("/io/bulwark/server/internal/ui/assets").toURI());
        Set<String> inFolder = new TreeSet<>();
        try (Stream<Path> files = Files.list(folder)) {
            files.forEach(f -> inFolder.add(f.getFileName().toString()));
        }
        assertThat(names).as("every file in the assets folder is served, and only those").containsAll(inFolder);
        Pattern imports = Pattern.compile("(?:from|import\\()\\s*'\\./([^']+)'");
        for (String name : inFolder) {
            String source = Files.readString(folder.resolve(name), StandardCharsets.UTF_8);
            Matcher m = imports.matcher(source);
            while (m.find()) {
                assertThat(names).as(name + " imports " + m.group(1)).contains(m.group(1));
            }
            assertThat(source).as(name).doesNotContain("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write",
                    "eval(", "new Function");
        }
    }

    @Test
    void assetsAreFingerprintedAndCachedForAYearWhilePagesAreRevalidated() {
        String v = version();
        Http.Response app = http.get("/ui/assets/" + v + "/app.js", session);
        assertThat(app.status()).isEqualTo(200);
        assertThat(app.header("Content-Type")).startsWith("text/javascript");
        assertThat(app.header("Cache-Control")).isEqualTo("public, max-age=31536000, immutable");
        String etag = app.header("ETag");
        assertThat(etag).matches("\"[0-9a-f]{24}\"");
        assertThat(http.get("/ui/assets/" + v + "/app.js", with(Map.of("If-None-Match", etag))).status()).isEqualTo(304);

        Http.Response css = http.get("/ui/assets/" + v + "/uPlot.min.css", session);
        assertThat(css.header("Content-Type")).startsWith("text/css");
        assertThat(css.body()).contains(".uplot");

        Http.Response stale = http.get("/ui/assets/0000000000000000/app.js", session);
        assertThat(stale.status()).isEqualTo(404);
        assertThat(stale.json().get("detail").asText()).contains("reload the page").contains(v);
        assertThat(http.get("/ui/assets/" + v + "/keys.json", session).status()).isEqualTo(404);
        assertThat(http.get("/ui/assets/" + v + "/..%2Fshell.html", session).status()).isEqualTo(404);
        assertThat(http.get("/ui/nowhere", session).json().get("detail").asText()).contains("/ui/queues");

        Http.Response page = http.get("/ui/queues", session);
        assertThat(page.header("Cache-Control")).isEqualTo("no-cache");
        assertThat(page.header("Content-Type")).startsWith("text/html");
        assertThat(http.get("/ui/queues", with(Map.of("If-None-Match", page.header("ETag")))).status()).isEqualTo(304);
        assertThat(http.get("/ui/", session).body()).isEqualTo(http.get("/ui", session).body());
    }

    private Map<String, String> with(Map<String, String> headers) {
        Map<String, String> all = new HashMap<>(session);
        all.putAll(headers);
        return all;
    }

    @Test
    void whoamiSaysWhatTheKeyIsWorthAndAnswersAWrongKeyWithoutA401() {
        JsonNode who = http.get("/api/v1/whoami", Http.bearer(viewer)).json();
        assertThat(who.get("authenticated").asBoolean()).isTrue();
        assertThat(who.get("role").asText()).isEqualTo("viewer");
        assertThat(who.get("caller").asText()).startsWith("viewer (key ");
        assertThat(who.get("open").asBoolean()).isFalse();

        Http.Response wrong = http.get("/api/v1/whoami", Http.bearer("bwk_0123456789ab_" + "A".repeat(43)));
        assertThat(wrong.status()).isEqualTo(200);
        assertThat(wrong.json().get("authenticated").asBoolean()).isFalse();
        assertThat(wrong.json().hasNonNull("role")).isFalse();
        assertThat(wrong.json().get("detail").asText()).contains("not valid");
        assertThat(http.get("/metrics").body()).containsPattern("bulwark_auth_failures_total\\{reason=\"invalid\"} [1-9]");

        JsonNode none = http.get("/api/v1/whoami").json();
        assertThat(none.get("authenticated").asBoolean()).isFalse();
        assertThat(none.get("detail").asText()).contains("no API key");
    }

    @Test
    void aStateChangeWithoutTheKeyIsRefusedAsAFormWouldSendIt() {
        Map<String, String> form = new HashMap<>(Map.of("Content-Type", "application/x-www-form-urlencoded",
                "Origin", "http://elsewhere.example"));
        Http.Response r = http.send("POST", "/api/v1/queues/" + MARKER + "/pause", "x=1", form);
        assertThat(r.status()).isEqualTo(401);
        assertThat(http.get("/api/v1/queues/" + MARKER, Http.bearer(viewer)).json().get("paused").asBoolean()).isFalse();
    }

    @Test
    void aBrowserRequestFromAnotherSiteCannotChangeStateEvenWhileTheApiIsOpen(@TempDir Path openDir) {
        try (BulwarkServer open = BulwarkServer.builder(TestServers.config(openDir, Map.of("log.access", "false")))
                .configuredStore().build().start()) {
            Http client = new Http(open.uri());
            assertThat(client.get("/api/v1/whoami").json().get("open").asBoolean()).isTrue();
            // An open API needs no session for the pages either, and starting one sets no cookie.
            assertThat(client.get("/ui/queues").status()).isEqualTo(200);
            Http.Response none = client.send("POST", UiSessions.PATH, null, Map.of());
            assertThat(none.status()).isEqualTo(200);
            assertThat(none.header("Set-Cookie")).isNull();
            assertThat(none.json().get("open").asBoolean()).isTrue();
            assertThat(none.json().has("expiresAt")).isFalse();
            for (String site : List.of("cross-site", "same-site")) {
                Http.Response r = client.send("POST", "/api/v1/queues/q/pause", null, Map.of("Sec-Fetch-Site", site));
                assertThat(r.status()).as(site).isEqualTo(403);
                assertThat(r.json().get("detail").asText()).contains("Sec-Fetch-Site: " + site);
                assertThat(client.send("DELETE", "/api/v1/queues/q/dead", null, Map.of("Sec-Fetch-Site", site)).status())
                        .isEqualTo(403);
            }
            assertThat(client.get("/api/v1/queues/q").json().get("paused").asBoolean()).isFalse();
            // Reads stay open to any site's links; the dashboard's own calls and programs (no header) pass.
            assertThat(client.get("/api/v1/queues/q", Map.of("Sec-Fetch-Site", "cross-site")).status()).isEqualTo(200);
            assertThat(client.send("POST", "/api/v1/queues/q/pause", null, Map.of("Sec-Fetch-Site", "same-origin")).status())
                    .isEqualTo(200);
            assertThat(client.send("POST", "/api/v1/queues/q/resume", null, Map.of()).status()).isEqualTo(200);
        }
    }
}
