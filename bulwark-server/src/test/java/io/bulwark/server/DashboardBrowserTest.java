package io.bulwark.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.server.auth.ApiKeyStore;
import io.bulwark.server.auth.Role;
import io.bulwark.server.internal.ui.UiSessions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard in Debian's Chromium against a real server on a random port: each page for each
 * role, the actions an operator takes (checked through the API afterwards), what a viewer may not
 * do, escaping, times, paging and the poller. Every page is checked for console errors and for
 * serious or critical axe-core violations.
 *
 * <p>One browser and one server for the class: the tests log in as the role they need.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardBrowserTest {

    /** A payload that would run script if any page parsed job data as markup. */
    private static final String HOSTILE = "<script>window.__pwned = 1</script><img src=x onerror=\"window.__pwned = 2\">";

    @TempDir
    static Path dir;

    private Chromium browser;
    private BulwarkServer server;
    private Http http;
    private final Map<Role, String> keys = new EnumMap<>(Role.class);
    private Role loggedIn;
    private String hostileJob;
    private String scheduledJob;

    /** Why the browser could not start (each test is then skipped with it); null when it did. */
    private String unavailable;

    @BeforeAll
    void startBrowserAndServer() {
        try {
            browser = Chromium.startOrSkip();
        } catch (org.opentest4j.TestAbortedException e) {
            // Skipped test by test, so that each reports the reason (a class aborted in @BeforeAll reports none).
            unavailable = e.getMessage();
            return;
        }
        ApiKeyStore store = ApiKeyStore.open(dir, java.time.InstantSource.system());
        for (Role role : Role.values()) {
            keys.put(role, store.create(role.id(), role).plaintext());
        }
        server = BulwarkServer.builder(TestServers.config(dir, Map.of("jobs.pollInterval", "50ms", "log.access", "false")))
                .configuredStore().build().start();
        http = new Http(server.uri());
        seed();
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void emptyTheConsole() {
        org.junit.jupiter.api.Assumptions.assumeTrue(unavailable == null, unavailable);
        browser.clearConsole();
    }

    private void seed() {
        StringBuilder batch = new StringBuilder("{\"jobs\":[");
        for (int i = 0; i < 30; i++) {
            batch.append(i == 0 ? "" : ",").append("{\"queue\":\"mail\",\"type\":\"builtin.noop\",\"delay\":\"1h\",")
                    .append("\"tags\":[\"newsletter\"],\"payload\":{\"n\":").append(i).append("}}");
        }
        JsonNode mail = admin("POST", "/api/v1/jobs/batch", batch.append("]}").toString());
        scheduledJob = mail.get("jobs").get(0).get("id").asText();
        hostileJob = admin("POST", "/api/v1/jobs", "{\"queue\":\"web\",\"type\":\"builtin.noop\",\"delay\":\"1h\","
                + "\"payload\":{\"comment\":" + quote(HOSTILE) + "}}").get("id").asText();
        for (String queue : List.of("payments", "payments", "payments", "trash")) {
            admin("POST", "/api/v1/jobs", "{\"queue\":\"" + queue + "\",\"type\":\"builtin.fail\",\"maxAttempts\":1,"
                    + "\"payload\":{\"times\":1000}}");
        }
        admin("PUT", "/api/v1/providers/llm", "{\"strategy\":\"weighted\",\"providers\":["
                + "{\"name\":\"primary\",\"baseUrl\":\"http://127.0.0.1:9/\",\"weight\":2,\"timeout\":\"5s\"},"
                + "{\"name\":\"backup\",\"baseUrl\":\"http://127.0.0.1:9/\",\"weight\":1,\"timeout\":\"5s\"}]}");
        admin("POST", "/api/v1/schedules", "{\"name\":\"nightly\",\"cron\":\"30 2 * * *\",\"zone\":\"Europe/Berlin\","
                + "\"job\":{\"queue\":\"reports\",\"type\":\"builtin.noop\"}}");
        await().atMost(Duration.ofSeconds(10)).until(() -> dead("payments") == 3 && dead("trash") == 1);
    }

    private static String quote(String text) {
        try {
            return io.bulwark.core.json.Json.mapper().writeValueAsString(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonNode admin(String method, String path, String body) {
        Http.Response r = http.send(method, path, body, Http.bearer(keys.get(Role.ADMIN)));
        assertThat(r.status()).as(method + " " + path + ": " + r.body()).isBetween(200, 299);
        return r.body().isEmpty() ? null : r.json();
    }

    private JsonNode get(String path) {
        return admin("GET", path, null);
    }

    private long dead(String queue) {
        return get("/api/v1/queues/" + queue).get("counts").get("dead").asLong();
    }

    private URI ui(String path) {
        return server.uri().resolve(path);
    }

    /** Logs in through the login page, unless already logged in with {@code role}'s key. */
    private void loginAs(Role role) {
        if (role == loggedIn) {
            return;
        }
        browser.open(ui("/ui/login"));
        browser.js("sessionStorage.clear();");
        browser.find("#key").sendKeys(keys.get(role));
        browser.find("#login button[type=submit]").click();
        browser.await(d -> !d.getCurrentUrl().contains("/ui/login"));
        browser.awaitReady();
        loggedIn = role;
    }

    private void open(Role role, String path) {
        loginAs(role);
        browser.open(ui(path));
    }

    private String text() {
        return browser.find("main").getText();
    }

    /** Clicks the button of a modal confirmation. */
    private void confirm() {
        browser.await(d -> d.findElement(By.cssSelector("dialog[open] [data-confirm]"))).click();
    }

    private void awaitNotice(String text) {
        browser.await(d -> d.findElement(By.id("status")).getText().contains(text)
                || d.findElement(By.id("alert")).getText().contains("failed"));
        assertThat(browser.find("#alert").getText()).isEmpty();
        assertThat(browser.find("#status").getText()).contains(text);
    }

    private void assertCleanAndAccessible() {
        assertThat(browser.consoleErrors()).as("console errors on %s", browser.driver().getCurrentUrl()).isEmpty();
        assertThat(browser.seriousAccessibilityViolations()).as("axe-core on %s", browser.driver().getCurrentUrl()).isEmpty();
    }

    // ---- every page, every role ----

    /** Stand for values known once the server runs: the arguments are made before that. */
    private static final String SCHEDULED_JOB = "{scheduled-job}";
    private static final String NODE_NAME = "{node-name}";

    private String resolve(String text) {
        return text.replace(SCHEDULED_JOB, scheduledJob).replace(NODE_NAME, server.identity().name());
    }

    /** Each page, something it must show from the seeded data, and the operator actions it draws. */
    private record PageCase(String path, String shows, List<String> operatorActions) {
    }

    private List<PageCase> pages() {
        return List.of(
                new PageCase("/ui", "diskSpace", List.of()),
                new PageCase("/ui/queues", "payments", List.of("pause")),
                new PageCase("/ui/jobs?queue=mail", "builtin.noop", List.of()),
                new PageCase("/ui/job?id=" + SCHEDULED_JOB, "newsletter", List.of("cancel")),
                new PageCase("/ui/dead?queue=payments", "builtin.fail", List.of("retry-selected", "retry-all", "purge")),
                new PageCase("/ui/providers", "primary", List.of("open-breaker", "enter-degradation")),
                new PageCase("/ui/schedules", "nightly", List.of("pause", "trigger")),
                new PageCase("/ui/nodes", NODE_NAME, List.of("drain")));
    }

    Stream<Arguments> pagesByRole() {
        List<Arguments> all = new ArrayList<>();
        for (Role role : Role.values()) {
            for (PageCase page : pages()) {
                all.add(Arguments.of(page.path().replaceFirst("\\?.*", ""), role, page));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} as {1}")
    @MethodSource("pagesByRole")
    void everyPageShowsItsDataToEveryRoleWithOperatorButtonsOnlyForOperators(String name, Role role, PageCase page) {
        open(role, resolve(page.path()));

        assertThat(text()).as(page.path()).contains(resolve(page.shows()));
        for (String action : page.operatorActions()) {
            List<WebElement> buttons = browser.findAll("button[data-action='" + action + "']");
            if (role.includes(Role.OPERATOR)) {
                assertThat(buttons).as("%s on %s as %s", action, page.path(), role).isNotEmpty();
            } else {
                assertThat(buttons).as("%s on %s as %s", action, page.path(), role).isEmpty();
            }
        }
        assertThat(browser.find("#who").getText()).contains(role.id());
        assertCleanAndAccessible();
    }

    @Test
    void theChecksFindAConsoleErrorAndAnAccessibilityViolationWhenThereIsOne() {
        open(Role.VIEWER, "/ui/nodes");
        browser.js("console.error('deliberate'); const img = document.createElement('img'); img.src = 'data:,';"
                + "document.querySelector('main').append(img);");

        assertThat(browser.consoleErrors()).anyMatch(m -> m.contains("deliberate"));
        assertThat(browser.seriousAccessibilityViolations()).anyMatch(v -> v.startsWith("image-alt"));
        browser.open(ui("/ui/nodes")); // a clean page again
    }

    @Test
    void theLoginPageRefusesAWrongKeyWithAMessageAndIsAccessible() {
        browser.open(ui("/ui/login"));
        browser.js("sessionStorage.clear();");
        loggedIn = null;
        browser.find("#key").sendKeys("bwk_0123456789ab_" + "A".repeat(43));
        browser.find("#login button[type=submit]").click();
        browser.await(d -> !d.findElement(By.id("error")).getText().isEmpty());

        assertThat(browser.find("#error").getText()).contains("Not logged in").contains("not valid");
        assertThat(browser.driver().getCurrentUrl()).contains("/ui/login");
        assertThat(browser.find("#open").isDisplayed()).as("the API has keys: it is not open").isFalse();
        assertCleanAndAccessible();
    }

    @Test
    void aPageOpenedWithoutAKeyGoesToTheLoginPageAndBackAfterLoggingIn() {
        browser.open(ui("/ui/login"));
        browser.js("sessionStorage.clear();");
        browser.driver().manage().deleteAllCookies();
        loggedIn = null;
        // No session: the server answers the page with a redirect to the login page.
        browser.driver().get(ui("/ui/queues?queue=mail").toString());
        browser.await(d -> d.getCurrentUrl().contains("/ui/login?next="));
        browser.awaitReady();

        browser.find("#key").sendKeys(keys.get(Role.VIEWER));
        browser.find("#login button[type=submit]").click();
        browser.await(d -> d.getCurrentUrl().endsWith("/ui/queues?queue=mail"));
        browser.awaitReady();
        loggedIn = Role.VIEWER;
        assertThat(text()).contains("Settings of mail");
        // The session is a cookie no script can read, scoped to the dashboard.
        org.openqa.selenium.Cookie cookie = browser.driver().manage().getCookieNamed(UiSessions.COOKIE);
        assertThat(cookie).isNotNull();
        assertThat(cookie.isHttpOnly()).isTrue();
        assertThat(cookie.getPath()).isEqualTo("/ui");
        assertThat(cookie.getSameSite()).isEqualTo("Lax");
        assertThat((String) browser.js("return document.cookie;")).doesNotContain(UiSessions.COOKIE);

        // The session gone (expired) while the tab keeps its key: the login page renews it and comes back.
        browser.driver().manage().deleteAllCookies();
        browser.driver().get(ui("/ui/queues?queue=mail").toString());
        browser.await(d -> d.getCurrentUrl().endsWith("/ui/queues?queue=mail"));
        browser.awaitReady();
        assertThat(text()).contains("Settings of mail");
        assertThat(browser.driver().manage().getCookieNamed(UiSessions.COOKIE)).isNotNull();

        browser.find("#logout").click();
        browser.await(d -> d.getCurrentUrl().contains("/ui/login"));
        loggedIn = null;
        assertThat(browser.js("return sessionStorage.getItem('bulwark.key');")).isNull();
        // Logging out ends the session: the pages are the login page's again.
        assertThat(browser.driver().manage().getCookieNamed(UiSessions.COOKIE)).isNull();
        browser.driver().get(ui("/ui/queues").toString());
        browser.await(d -> d.getCurrentUrl().contains("/ui/login?next="));
    }

    // ---- actions, checked through the API ----

    @Test
    void anOperatorPausesAndResumesAQueueAndTheApiSeesIt() {
        open(Role.OPERATOR, "/ui/queues");
        row("mail").findElement(By.cssSelector("button[data-action='pause']")).click();
        awaitNotice("Queue mail paused");
        assertThat(get("/api/v1/queues/mail").get("paused").asBoolean()).isTrue();

        browser.await(d -> row("mail").findElements(By.cssSelector("button[data-action='resume']")).size() == 1);
        row("mail").findElement(By.cssSelector("button[data-action='resume']")).click();
        awaitNotice("Queue mail resumed");
        assertThat(get("/api/v1/queues/mail").get("paused").asBoolean()).isFalse();
        assertCleanAndAccessible();
    }

    @Test
    void anOperatorChangesAQueuesSettingsAndABadValueIsShownWithItsField() {
        open(Role.OPERATOR, "/ui/queues?queue=reports");
        WebElement concurrency = browser.find("#setting-concurrency");
        concurrency.clear();
        concurrency.sendKeys("7");
        browser.find("form.settings button[type=submit]").click();
        awaitNotice("Settings of reports saved");
        assertThat(get("/api/v1/queues/reports").get("settings").get("concurrency").asInt()).isEqualTo(7);

        browser.find("#setting-concurrency").clear();
        browser.find("#setting-concurrency").sendKeys("0");
        browser.find("form.settings button[type=submit]").click();
        browser.await(d -> !d.findElement(By.id("alert")).getText().isEmpty());
        assertThat(browser.find("#alert").getText()).contains("concurrency");
        assertThat(get("/api/v1/queues/reports").get("settings").get("concurrency").asInt()).isEqualTo(7);
        browser.clearConsole(); // the refused PUT (400) is logged by the browser, as it should be
    }

    private WebElement row(String queue) {
        return browser.driver().findElement(By.xpath("//tr[td/a[normalize-space()='" + queue + "']]"));
    }

    @Test
    void anOperatorRetriesOneSelectedDeadJobAndTheApiShowsItRanAgain() {
        open(Role.OPERATOR, "/ui/dead?queue=payments");
        WebElement box = browser.find("input[type=checkbox][data-job]");
        String id = box.getAttribute("data-job");
        box.click();
        browser.find("button[data-action='retry-selected']").click();
        awaitNotice("1 job(s) queued to run again");

        JsonNode job = get("/api/v1/jobs/" + id);
        assertThat(job.get("history").findValuesAsText("from")).as(job.toString()).contains("dead");
        assertCleanAndAccessible();
    }

    @Test
    void retryingEveryDeadJobOfAQueueAsksFirst() {
        open(Role.OPERATOR, "/ui/dead?queue=payments");
        browser.find("button[data-action='retry-all']").click();
        browser.await(d -> d.findElement(By.cssSelector("dialog[open]"))).findElement(By.cssSelector("button.secondary")).click();
        assertThat(browser.findAll("dialog")).isEmpty();
        assertThat(browser.find("#status").getText()).isEmpty();

        List<String> before = get("/api/v1/jobs?queue=payments&state=dead").get("items").findValuesAsText("id");
        browser.find("button[data-action='retry-all']").click();
        confirm();
        awaitNotice("dead job(s) of payments queued to run again");
        for (String id : before) {
            assertThat(get("/api/v1/jobs/" + id).get("history").findValuesAsText("from")).contains("dead");
        }
    }

    @Test
    void purgingAQueuesDeadJobsAsksFirstThenTheApiHasNone() {
        await().atMost(Duration.ofSeconds(10)).until(() -> dead("trash") == 1);
        open(Role.OPERATOR, "/ui/dead?queue=trash");
        browser.find("button[data-action='purge']").click();
        confirm();
        awaitNotice("1 dead job(s) of trash purged");
        assertThat(dead("trash")).isZero();
    }

    @Test
    void anOperatorCancelsAScheduledJobFromItsPage() {
        String id = admin("POST", "/api/v1/jobs", "{\"queue\":\"later\",\"type\":\"builtin.noop\",\"delay\":\"1h\"}")
                .get("id").asText();
        open(Role.OPERATOR, "/ui/job?id=" + id);
        browser.find("button[data-action='cancel']").click();
        confirm();
        awaitNotice("is now cancelled");

        assertThat(get("/api/v1/jobs/" + id).get("state").asText()).isEqualTo("cancelled");
        assertThat(browser.findAll("button[data-action='cancel']")).isEmpty();
        assertThat(browser.findAll("button[data-action='retry']")).hasSize(1);
        assertCleanAndAccessible();
    }

    @Test
    void anOperatorOpensABreakerAndResetsIt() {
        open(Role.OPERATOR, "/ui/providers");
        providerRow("backup").findElement(By.cssSelector("button[data-action='open-breaker']")).click();
        confirm();
        awaitNotice("Breaker backup is now FORCED_OPEN");
        assertThat(get("/api/v1/circuit-breakers/backup").get("state").asText()).isEqualTo("FORCED_OPEN");

        browser.await(d -> providerRow("backup").getText().contains("FORCED_OPEN"));
        providerRow("backup").findElement(By.cssSelector("button[data-action='reset-breaker']")).click();
        awaitNotice("Breaker backup is now CLOSED");
        assertThat(get("/api/v1/circuit-breakers/backup").get("state").asText()).isEqualTo("CLOSED");

        providerRow("backup").findElement(By.cssSelector("button[data-action='history']")).click();
        browser.await(d -> d.findElement(By.tagName("main")).getText().contains("Transitions of breaker backup")
                || d.findElement(By.tagName("main")).getText().contains("Breaker backup"));
        assertThat(text()).contains("FORCED_OPEN");
        assertCleanAndAccessible();
    }

    private WebElement providerRow(String provider) {
        return browser.driver().findElement(By.xpath("//tr[td[1][normalize-space()='" + provider + "']]"));
    }

    @Test
    void aViewerSeesNoOperatorButtonAndTheApiRefusesTheCallWhenForced() {
        open(Role.VIEWER, "/ui/queues");
        assertThat(browser.findAll("button[data-action='pause'], button[data-action='resume']")).isEmpty();

        Object status = browser.jsAsync("const done = arguments[arguments.length - 1];"
                + "fetch('/api/v1/queues/mail/pause', {method: 'POST', headers: {Authorization: 'Bearer ' + "
                + "sessionStorage.getItem('bulwark.key')}}).then(r => done(r.status), e => done(String(e)));");

        assertThat(status).isEqualTo(403L);
        assertThat(get("/api/v1/queues/mail").get("paused").asBoolean()).isFalse();
        browser.clearConsole(); // the refused call is logged by the browser, as it should be
    }

    // ---- security in the browser ----

    @Test
    void aPayloadHoldingMarkupIsShownAsTextAndNeverRuns() {
        open(Role.ADMIN, "/ui/job?id=" + hostileJob);

        assertThat(browser.find("pre.json").getText()).contains("<script>window.__pwned = 1</script>")
                .contains("<img src=x onerror=");
        assertThat(browser.js("return window.__pwned === undefined;")).isEqualTo(true);
        assertThat(browser.findAll("main script, main img")).isEmpty();
        assertCleanAndAccessible();
    }

    @Test
    void aFormOnAnotherSiteCannotPauseAQueue() throws Exception {
        com.sun.net.httpserver.HttpServer other = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        String target = server.uri() + "/api/v1/queues/mail/pause";
        byte[] page = ("<!DOCTYPE html><html lang=en><title>elsewhere</title><form method=post action='" + target
                + "'><button id=go>Win a prize</button></form></html>").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        other.createContext("/", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        other.start();
        try {
            loginAs(Role.ADMIN); // the tab holds an admin key: the form still cannot use it
            // "localhost" and 127.0.0.1 are different sites to the browser.
            browser.driver().get("http://localhost:" + other.getAddress().getPort() + "/");
            browser.find("#go").click();
            browser.await(d -> d.getCurrentUrl().startsWith(target));

            assertThat(browser.find("body").getText()).contains("403").contains("Sec-Fetch-Site: cross-site");
            assertThat(get("/api/v1/queues/mail").get("paused").asBoolean()).isFalse();
        } finally {
            other.stop(0);
            browser.clearConsole();
        }
    }

    // ---- times, paging, polling ----

    @Test
    void timesAreShownInTheBrowsersZoneWithUtcOnHover() {
        loginAs(Role.VIEWER);
        browser.driver().executeCdpCommand("Emulation.setTimezoneOverride", Map.of("timezoneId", "Asia/Kolkata"));
        try {
            browser.open(ui("/ui/job?id=" + scheduledJob));
            Instant runAt = Instant.parse(get("/api/v1/jobs/" + scheduledJob).get("runAt").asText());
            WebElement shown = browser.driver().findElement(By.xpath("//dt[.='Run at']/following-sibling::dd[1]/time"));

            String seconds = runAt.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString().replace("Z", "");
            assertThat(shown.getAttribute("title")).matches(java.util.regex.Pattern.quote(seconds) + "(\\.\\d{3})?Z UTC");
            assertThat(shown.getAttribute("datetime")).startsWith(seconds).endsWith("Z");
            String kolkata = DateTimeFormatter.ofPattern("h:mm:ss", Locale.US).format(runAt.atZone(ZoneId.of("Asia/Kolkata")));
            assertThat(shown.getText()).contains(kolkata);
        } finally {
            browser.driver().executeCdpCommand("Emulation.setTimezoneOverride", Map.of("timezoneId", ""));
        }
    }

    @Test
    void theJobsListPagesWithTheApisCursorAndFilters() {
        open(Role.VIEWER, "/ui/jobs?queue=mail&state=scheduled");
        assertThat(browser.findAll("main tbody tr")).hasSize(25);
        assertThat(browser.find("nav.pager").getText()).contains("Page 1");

        browser.driver().findElement(By.xpath("//button[.='Next page']")).click();
        browser.await(d -> d.findElement(By.cssSelector("nav.pager")).getText().contains("Page 2"));
        int rest = browser.findAll("main tbody tr").size();
        assertThat(rest).isBetween(1, 5);
        assertThat(browser.driver().findElement(By.xpath("//button[.='Next page']")).isEnabled()).isFalse();

        browser.driver().findElement(By.xpath("//button[.='Previous page']")).click();
        browser.await(d -> d.findElement(By.cssSelector("nav.pager")).getText().contains("Page 1"));

        new org.openqa.selenium.support.ui.Select(browser.find("#f-state")).selectByValue("dead");
        browser.find("#f-queue").clear();
        browser.find("form.filters button[type=submit]").click();
        browser.await(d -> d.getCurrentUrl().endsWith("/ui/jobs?state=dead"));
        browser.await(d -> d.findElements(By.cssSelector("main tbody tr")).stream()
                .allMatch(r -> r.getText().contains("dead")));

        new org.openqa.selenium.support.ui.Select(browser.find("#f-state")).selectByValue("");
        browser.find("#f-tag").sendKeys("newsletter");
        browser.find("#f-since").sendKeys("1h");
        browser.find("form.filters button[type=submit]").click();
        browser.await(d -> d.getCurrentUrl().endsWith("/ui/jobs?tag=newsletter&since=1h"));
        browser.await(d -> d.findElements(By.cssSelector("main tbody tr")).size() == 25
                && d.findElements(By.cssSelector("main tbody tr")).stream().allMatch(r -> r.getText().contains("newsletter")));
        browser.find("#f-since").clear();
        browser.find("#f-until").sendKeys("1h");
        browser.find("form.filters button[type=submit]").click();
        browser.await(d -> d.getCurrentUrl().endsWith("/ui/jobs?tag=newsletter&until=1h"));
        browser.await(d -> d.findElements(By.cssSelector("main tbody tr")).isEmpty()
                && d.findElements(By.cssSelector("main p.empty")).stream().anyMatch(p -> p.getText().contains("No job matches")));
        assertCleanAndAccessible();
    }

    @Test
    void thePollerBacksOffWhileTheTabIsHiddenAndCatchesUpWhenItShows() {
        open(Role.VIEWER, "/ui/nodes");
        String poll = browser.find("script[type=module]").getAttribute("src").replace("app.js", "poll.js");

        Object out = browser.jsAsync("""
                const done = arguments[arguments.length - 1];
                import(arguments[0]).then(async ({ poll }) => {
                  const listeners = [];
                  const doc = { visibilityState: 'visible', addEventListener: (t, f) => listeners.push(f),
                                removeEventListener() {} };
                  const pending = [];
                  const timers = { setTimeout: (f, ms) => { pending.push({ f, ms }); return pending.length; },
                                   clearTimeout: (id) => { pending[id - 1].cancelled = true; } };
                  let runs = 0;
                  const p = poll(async () => { runs += 1; }, { interval: 1000, max: 8000, doc, timers });
                  const delays = [pending.at(-1).ms];
                  const fire = async () => { const t = pending.at(-1); t.cancelled = true; await t.f(); delays.push(pending.at(-1).ms); };
                  await fire();
                  doc.visibilityState = 'hidden';
                  await fire(); await fire(); await fire(); await fire();
                  doc.visibilityState = 'visible';
                  const before = pending.length;
                  listeners.forEach((f) => f());
                  await new Promise((r) => setTimeout(r, 0));
                  delays.push(pending.at(-1).ms);
                  p.stop();
                  done(JSON.stringify({ delays, runs, rescheduled: pending.length > before, cancelled: pending[before - 1].cancelled === true }));
                }).catch((e) => done('failed: ' + e));
                """, poll);

        assertThat(String.valueOf(out)).isEqualTo(
                "{\"delays\":[1000,1000,2000,4000,8000,8000,1000],\"runs\":6,\"rescheduled\":true,\"cancelled\":true}");
    }
}
