package io.bulwark.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.server.auth.ApiKeyStore;
import io.bulwark.server.auth.Role;
import io.bulwark.server.internal.ui.UiAssets;
import io.bulwark.server.internal.ui.UiRoutes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
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
 * The dashboard's routes over plain HTTP: what they serve without a key (the same files as with
 * one, and no data), their headers (CSP, caching), the fingerprinted asset URLs, {@code whoami},
 * and the refusal of cross-site requests that would change state.
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
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private String version() {
        Matcher m = Pattern.compile("/ui/assets/([0-9a-f]{16})/app\\.js").matcher(http.get("/ui").body());
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
    void everyDashboardFileIsTheSameWithOrWithoutAKeyAndHoldsNoData() {
        for (String url : everyUrl()) {
            Http.Response anonymous = http.get(url);
            Http.Response withKey = http.get(url, Http.bearer(admin));
            assertThat(anonymous.status()).as(url).isEqualTo(200);
            assertThat(anonymous.body()).as(url).isEqualTo(withKey.body()).doesNotContain(MARKER);
        }
        // The data is there, behind the key.
        assertThat(http.get("/api/v1/jobs?queue=" + MARKER).status()).isEqualTo(401);
        assertThat(http.get("/api/v1/jobs?queue=" + MARKER, Http.bearer(viewer)).body()).contains(MARKER);
    }

    @Test
    void everyDashboardResponseForbidsInlineScriptsFramingAndMarkupFromStrings() {
        for (String url : everyUrl()) {
            Http.Response r = http.get(url);
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
            String html = http.get(page).body();
            assertThat(html).as(page).doesNotContainPattern("<script(?![^>]*\\ssrc=)").doesNotContain("<style", " style=",
                    "http://", "https://", "//cdn");
            Matcher m = Pattern.compile("(?:src|href)=\"([^\"]+)\"").matcher(html);
            while (m.find()) {
                String url = m.group(1);
                if (url.startsWith("data:") || url.equals("#main")) {
                    continue;
                }
                assertThat(url).as(page).startsWith("/");
                assertThat(http.get(url).status()).as(page + " loads " + url).isIn(200, 401);
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
        Http.Response app = http.get("/ui/assets/" + v + "/app.js");
        assertThat(app.status()).isEqualTo(200);
        assertThat(app.header("Content-Type")).startsWith("text/javascript");
        assertThat(app.header("Cache-Control")).isEqualTo("public, max-age=31536000, immutable");
        String etag = app.header("ETag");
        assertThat(etag).matches("\"[0-9a-f]{24}\"");
        assertThat(http.get("/ui/assets/" + v + "/app.js", Map.of("If-None-Match", etag)).status()).isEqualTo(304);

        Http.Response css = http.get("/ui/assets/" + v + "/uPlot.min.css");
        assertThat(css.header("Content-Type")).startsWith("text/css");
        assertThat(css.body()).contains(".uplot");

        Http.Response stale = http.get("/ui/assets/0000000000000000/app.js");
        assertThat(stale.status()).isEqualTo(404);
        assertThat(stale.json().get("detail").asText()).contains("reload the page").contains(v);
        assertThat(http.get("/ui/assets/" + v + "/keys.json").status()).isEqualTo(404);
        assertThat(http.get("/ui/assets/" + v + "/..%2Fshell.html").status()).isEqualTo(404);
        assertThat(http.get("/ui/nowhere").json().get("detail").asText()).contains("/ui/queues");

        Http.Response page = http.get("/ui/queues");
        assertThat(page.header("Cache-Control")).isEqualTo("no-cache");
        assertThat(page.header("Content-Type")).startsWith("text/html");
        assertThat(http.get("/ui/queues", Map.of("If-None-Match", page.header("ETag"))).status()).isEqualTo(304);
        assertThat(http.get("/ui/").body()).isEqualTo(http.get("/ui").body());
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
