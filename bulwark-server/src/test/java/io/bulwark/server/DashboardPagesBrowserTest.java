package io.bulwark.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.server.auth.ApiKeyStore;
import io.bulwark.server.auth.Role;
import io.bulwark.test.services.LocalService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
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
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard's pipeline, traffic, cache, messaging, scaling, rollout and event pages in Debian's
 * Chromium against one real server on a random port, seeded through the API: each page for each
 * role (its data shown, its buttons only for the roles that may use them, no console error, no
 * serious axe-core violation), and one action per page, checked through the API afterwards.
 *
 * <p>Messaging needs the local Redis: without it the server has no broker connection and the
 * messaging page is checked for saying so.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardPagesBrowserTest {

    private static final String THREE_STEPS = """
            {"id": "etl", "steps": [{"id": "extract", "type": "builtin.echo", "input": {"rows": [1, 2, 3]}},
             {"id": "transform", "type": "builtin.fail", "input": {"times": 1000}, "after": ["extract"], "retry": {"maxAttempts": 1}},
             {"id": "load", "type": "builtin.noop", "after": ["transform"]}]}""";
    private static final String SLOW = """
            {"id": "slow", "steps": [{"id": "wait", "type": "builtin.sleep", "input": {"ms": 600000}},
             {"id": "left", "type": "builtin.noop", "after": ["wait"]}, {"id": "right", "type": "builtin.noop", "after": ["wait"]},
             {"id": "join", "type": "builtin.noop", "after": ["left", "right"]}]}""";
    private static final String GATED = """
            {"id": "gated", "steps": [{"id": "build", "type": "builtin.noop"},
             {"id": "review", "type": "approval", "after": ["build"], "input": {"timeout": "1h"}},
             {"id": "ship", "type": "builtin.noop", "after": ["review"]}]}""";

    @TempDir
    static Path dir;

    private Chromium browser;
    private BulwarkServer server;
    private Http http;
    private boolean redis;
    private final Map<Role, String> keys = new EnumMap<>(Role.class);
    private Role loggedIn;
    private String failedRun;
    private String unavailable;

    @BeforeAll
    void startBrowserAndServer() {
        try {
            browser = Chromium.startOrSkip();
        } catch (org.opentest4j.TestAbortedException e) {
            unavailable = e.getMessage();
            return;
        }
        ApiKeyStore store = ApiKeyStore.open(dir, java.time.InstantSource.system());
        for (Role role : Role.values()) {
            keys.put(role, store.create(role.id(), role).plaintext());
        }
        Map<String, String> flags = new HashMap<>(Map.of("jobs.pollInterval", "50ms", "log.access", "false",
                "lb.groups.users.endpoints", "http://127.0.0.1:9001;id=blue, http://127.0.0.1:9002;id=green",
                "lb.groups.users.strategy", "weighted-round-robin",
                "lb.groups.orders.endpoints", "http://127.0.0.1:9003;id=blue, http://127.0.0.1:9004;id=green",
                "lb.groups.orders.strategy", "weighted-round-robin", "rollouts.interval", "50ms",
                "cache.catalog.levels", "l1", "cache.catalog.ttl", "1h", "cache.catalog.maximumSize", "1000"));
        flags.putAll(Map.of("scaling.autoscaler.enabled", "true", "scaling.autoscaler.interval", "500ms",
                "ratelimit.endpoints.server.route", "GET /api/v1/server", "ratelimit.endpoints.server.limits", "50/1m"));
        redis = LocalService.REDIS.probe(Duration.ofSeconds(2)).reachable();
        if (redis) {
            flags.putAll(Map.of("messaging.connections.bus.type", "redis-streams",
                    "messaging.connections.bus.url", "redis://127.0.0.1:6379"));
        }
        server = BulwarkServer.builder(TestServers.config(dir, flags)).configuredStore().build().start();
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
        Assumptions.assumeTrue(unavailable == null, unavailable);
        browser.clearConsole();
    }

    private void seed() {
        admin("POST", "/api/v1/pipelines", THREE_STEPS);
        admin("POST", "/api/v1/pipelines", SLOW);
        admin("POST", "/api/v1/pipelines", GATED);
        failedRun = admin("POST", "/api/v1/pipelines/etl/runs", "{}").get("id").asText();
        admin("PUT", "/api/v1/caches/catalog/keys/sku-1", "{\"price\": 3}");
        admin("PUT", "/api/v1/caches/catalog/keys/sku-2", "{\"price\": 4}");
        get("/api/v1/caches/catalog/keys/sku-1");
        assertThat(http.send("GET", "/api/v1/caches/catalog/keys/sku-9", null, Map.of("Authorization", "Bearer "
                + keys.get(Role.ADMIN))).status()).as("a miss").isEqualTo(404);
        get("/api/v1/server");
        admin("POST", "/api/v1/rollouts", RolloutsEndpointsTest.CANARY);
        admin("POST", "/api/v1/rollouts", RolloutsEndpointsTest.CANARY.replace("\"users\"", "\"orders\""));
        await().atMost(Duration.ofSeconds(10)).until(() -> get("/api/v1/runs/" + failedRun).path("state").asText().equals("failed"));
        await().atMost(Duration.ofSeconds(10)).until(() -> get("/api/v1/scaling").path("last").isObject());
    }

    private JsonNode admin(String method, String path, String body) {
        Http.Response r = http.send(method, path, body, Map.of("Authorization", "Bearer " + keys.get(Role.ADMIN),
                "Content-Type", "application/json"));
        assertThat(r.status()).as(method + " " + path + ": " + r.body()).isBetween(200, 299);
        return r.body().isEmpty() ? null : r.json();
    }

    private JsonNode get(String path) {
        return admin("GET", path, null);
    }

    private URI ui(String path) {
        return server.uri().resolve(path);
    }

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

    private void confirm() {
        browser.await(d -> d.findElement(By.cssSelector("dialog[open] [data-confirm]"))).click();
    }

    private void awaitNotice(String text) {
        browser.await(d -> d.findElement(By.id("status")).getText().contains(text)
                || !d.findElement(By.id("alert")).getText().isEmpty());
        assertThat(browser.find("#alert").getText()).isEmpty();
        assertThat(browser.find("#status").getText()).contains(text);
    }

    private void assertCleanAndAccessible() {
        assertThat(browser.consoleErrors()).as("console errors on %s", browser.driver().getCurrentUrl()).isEmpty();
        assertThat(browser.seriousAccessibilityViolations()).as("axe-core on %s", browser.driver().getCurrentUrl()).isEmpty();
    }

    // ---- every page, every role ----

    private static final String FAILED_RUN = "{failed-run}";

    /** A page, what it must show, and the buttons drawn for operators and for admins only. */
    private record PageCase(String path, String shows, List<String> operatorActions, List<String> adminActions) {
    }

    private List<PageCase> pages() {
        return List.of(
                new PageCase("/ui/pipelines", "builtin.fail", List.of("start-run"), List.of()),
                new PageCase("/ui/run?id=" + FAILED_RUN, "transform", List.of("retry-run"), List.of()),
                new PageCase("/ui/traffic", "GET /api/v1/server", List.of(), List.of("save-limit")),
                new PageCase("/ui/caches", "catalog", List.of("invalidate-all", "invalidate"), List.of()),
                new PageCase("/ui/messaging", redis ? "redis-streams" : "No broker connection", List.of(), List.of()),
                new PageCase("/ui/scaling", "dry-run", List.of("save-policy", "reset-policy"), List.of()),
                new PageCase("/ui/rollouts?name=users", "analysis step-1 [healthy]", List.of("abort"), List.of()),
                new PageCase("/ui/events?kind=rollout.", "rollout.paused", List.of(), List.of()));
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
    void everyPageShowsItsDataWithButtonsOnlyForTheRolesThatMayUseThem(String name, Role role, PageCase page) {
        open(role, page.path().replace(FAILED_RUN, failedRun));

        browser.await(d -> d.findElement(By.tagName("main")).getText().contains(page.shows()));
        for (String action : page.operatorActions()) {
            assertThat(browser.findAll("button[data-action='" + action + "']")).as("%s on %s as %s", action, page.path(), role)
                    .matches(b -> role.includes(Role.OPERATOR) != b.isEmpty(), "present only for operators and admins");
        }
        for (String action : page.adminActions()) {
            assertThat(browser.findAll("button[data-action='" + action + "']")).as("%s on %s as %s", action, page.path(), role)
                    .matches(b -> role.includes(Role.ADMIN) != b.isEmpty(), "present only for admins");
        }
        assertCleanAndAccessible();
    }

    // ---- one action per page, checked through the API ----

    @Test
    void theRunPageDrawsTheGraphAndAnOperatorRetriesFromTheFailedStep() {
        open(Role.OPERATOR, "/ui/run?id=" + failedRun);
        List<WebElement> nodes = browser.findAll("svg.dag g[data-step]");
        assertThat(nodes).extracting(n -> n.getAttribute("data-step")).containsExactly("extract", "transform", "load");
        assertThat(browser.find("svg.dag g[data-step='transform']").getAttribute("class")).contains("dag-failed");
        assertThat(browser.find("svg.dag g[data-step='extract']").getAttribute("class")).contains("dag-completed");
        assertThat(browser.find("svg.dag g[data-step='load']").getAttribute("class")).contains("dag-skipped");
        assertThat(browser.findAll("svg.dag path.dag-edge")).hasSize(2);
        double extractX = x("extract");
        assertThat(x("transform")).isGreaterThan(extractX);
        assertThat(x("load")).isGreaterThan(x("transform"));

        browser.find("button[data-action='retry-run']").click();
        confirm();
        awaitNotice("restarted from step transform");
        assertThat(get("/api/v1/runs/" + failedRun).get("retries").asInt()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> get("/api/v1/runs/" + failedRun).path("state").asText().equals("failed"));
        assertCleanAndAccessible();
    }

    private double x(String step) {
        String transform = browser.find("svg.dag g[data-step='" + step + "']").getAttribute("transform");
        return Double.parseDouble(transform.replaceAll("translate\\(([0-9.]+),.*", "$1"));
    }

    @Test
    void anOperatorStartsARunFromThePipelinesPageAndCancelsItLiveFromItsGraph() {
        open(Role.OPERATOR, "/ui/pipelines");
        WebElement row = browser.driver().findElement(By.xpath("//tr[td/a[normalize-space()='slow']]"));
        row.findElement(By.cssSelector("button[data-action='start-run']")).click();
        confirm();
        awaitNotice("of slow started");
        JsonNode runs = get("/api/v1/runs?pipeline=slow");
        assertThat(runs.get("items")).hasSize(1);
        String id = runs.get("items").get(0).get("id").asText();

        open(Role.OPERATOR, "/ui/run?id=" + id);
        browser.await(d -> d.findElement(By.cssSelector("svg.dag g[data-step='wait']")).getAttribute("class").contains("dag-running"));
        assertThat(x("left")).isEqualTo(x("right")).isGreaterThan(x("wait")).isLessThan(x("join"));
        assertThat(browser.findAll("svg.dag path.dag-edge")).hasSize(4);
        browser.find("button[data-action='cancel-run']").click();
        confirm();
        awaitNotice("is now cancelled");
        assertThat(get("/api/v1/runs/" + id).get("state").asText()).isEqualTo("cancelled");
        assertThat(browser.findAll("button[data-action='cancel-run']")).isEmpty();
        assertCleanAndAccessible();
    }

    @Test
    void anOperatorApprovesAWaitingStepFromTheRunPageAndAViewerSeesNoButton() {
        String approved = admin("POST", "/api/v1/pipelines/gated/runs", "{}").get("id").asText();
        String rejected = admin("POST", "/api/v1/pipelines/gated/runs", "{}").get("id").asText();
        for (String id : List.of(approved, rejected)) {
            await().atMost(Duration.ofSeconds(15)).until(() -> get("/api/v1/runs/" + id).path("steps").path(1).path("state")
                    .asText().equals("running"));
        }

        open(Role.VIEWER, "/ui/run?id=" + approved);
        browser.await(d -> d.findElement(By.tagName("main")).getText().contains("review"));
        assertThat(browser.findAll("button[data-action='approve-review']")).isEmpty();

        open(Role.OPERATOR, "/ui/run?id=" + approved);
        browser.find("button[data-action='approve-review']").click();
        confirm();
        awaitNotice("Step review of run " + approved + " approved");
        await().atMost(Duration.ofSeconds(15)).until(() -> get("/api/v1/runs/" + approved).path("state").asText()
                .equals("completed"));
        assertThat(get("/api/v1/runs/" + approved).path("steps").path(1).path("output").path("comment").asText())
                .isEqualTo("approved from the dashboard");

        open(Role.OPERATOR, "/ui/run?id=" + rejected);
        browser.find("button[data-action='reject-review']").click();
        confirm();
        awaitNotice("rejected");
        await().atMost(Duration.ofSeconds(15)).until(() -> get("/api/v1/runs/" + rejected).path("state").asText()
                .equals("failed"));
        assertThat(browser.findAll("button[data-action='reject-review']")).isEmpty();
        assertCleanAndAccessible();
    }

    @Test
    void anAdminChangesARateLimitAndAnyoneLooksUpAKeysUsage() {
        open(Role.ADMIN, "/ui/traffic");
        assertThat(text()).contains("users").contains("blue").contains("green").contains("weighted-round-robin");
        browser.find("#e-limits").sendKeys("70/1m");
        browser.find("button[data-action='save-limit']").click();
        awaitNotice("Limit server is now 70/1m");
        assertThat(get("/api/v1/rate-limits").get("endpoints").get(0).get("limits").asText()).isEqualTo("70/1m");

        browser.find("#u-key").sendKeys("127.0.0.1");
        browser.find("button[data-action='usage']").click();
        browser.await(d -> d.findElement(By.tagName("main")).getText().contains("Usage of 127.0.0.1"));
        assertThat(text()).contains("Remaining");
        assertCleanAndAccessible();
    }

    @Test
    void anOperatorInvalidatesACacheAfterConfirmingAndTheApiHasNoEntryLeft() {
        open(Role.OPERATOR, "/ui/caches");
        assertThat(text()).contains("50 %");
        browser.find("button[data-action='invalidate-all']").click();
        confirm();
        awaitNotice("Every entry of cache catalog was invalidated");
        assertThat(http.send("GET", "/api/v1/caches/catalog/keys/sku-2", null,
                Map.of("Authorization", "Bearer " + keys.get(Role.ADMIN))).status()).isEqualTo(404);
        assertThat(get("/api/v1/caches/catalog").get("stats").get("l1").get("size").asLong()).isZero();
        assertCleanAndAccessible();
    }

    @Test
    void anOperatorSetsTheAutoscalersBoundsAndGoesBackToTheConfig() {
        open(Role.OPERATOR, "/ui/scaling");
        browser.find("#p-min").clear();
        browser.find("#p-min").sendKeys("2");
        browser.find("#p-max").clear();
        browser.find("#p-max").sendKeys("7");
        browser.find("button[data-action='save-policy']").click();
        awaitNotice("Replicas now between 2 and 7");
        JsonNode policy = get("/api/v1/scaling").get("policy");
        assertThat(policy.get("minReplicas").asInt()).isEqualTo(2);
        assertThat(policy.get("source").asText()).isEqualTo("api");

        browser.find("button[data-action='reset-policy']").click();
        confirm();
        awaitNotice("follows the configured policy again");
        assertThat(get("/api/v1/scaling").get("policy").get("source").asText()).isEqualTo("config");
        assertCleanAndAccessible();
    }

    @Test
    void anOperatorPromotesARolloutAndTheBalancerSendsTheCanaryEverything() {
        open(Role.OPERATOR, "/ui/rollouts?name=orders");
        assertThat(text()).contains("pause until resumed (current)");
        WebElement row = browser.driver().findElement(By.xpath("//tr[td/a[normalize-space()='orders']]"));
        row.findElement(By.cssSelector("button[data-action='promote']")).click();
        confirm();
        awaitNotice("Rollout orders: HEALTHY, weight 100 %");
        assertThat(get("/api/v1/rollouts/orders").get("phase").asText()).isEqualTo("HEALTHY");
        JsonNode endpoints = get("/api/v1/load-balancing/orders").get("endpoints");
        assertThat(endpoints.findValuesAsText("id")).containsExactly("green");
        assertCleanAndAccessible();
    }

    @Test
    void aViewerOnTheRolloutsPageSeesNoButtonAndTheApiRefusesTheActionWhenForced() {
        open(Role.VIEWER, "/ui/rollouts?name=users");
        assertThat(browser.findAll("main button[data-action]")).isEmpty();
        Object status = browser.jsAsync("const done = arguments[arguments.length - 1];"
                + "fetch('/api/v1/rollouts/users/abort', {method: 'POST', headers: {Authorization: 'Bearer ' + "
                + "sessionStorage.getItem('bulwark.key')}}).then(r => done(r.status), e => done(String(e)));");
        assertThat(status).isEqualTo(403L);
        assertThat(get("/api/v1/rollouts/users").get("phase").asText()).isEqualTo("PAUSED");
        browser.clearConsole();
    }

    @Test
    void theMessagingPageShowsTheConnectionAndATopicsDeadLetters() {
        Assumptions.assumeTrue(redis, "Redis on 127.0.0.1:6379 is not reachable: the server has no broker connection");
        open(Role.VIEWER, "/ui/messaging");
        assertThat(text()).contains("bus").contains("redis://127.0.0.1:6379");
        browser.find("#t-bus").sendKeys("dashboard-nothing-dead");
        browser.find("button[data-action='dead-letters']").click();
        browser.await(d -> d.findElement(By.tagName("main")).getText().contains("No dead letter on this topic"));
        assertCleanAndAccessible();
    }

    @Test
    void anOperatorRedrivesATopicsDeadLettersAndTheBrokerDeliversThemAgain() throws Exception {
        Assumptions.assumeTrue(redis, "Redis on 127.0.0.1:6379 is not reachable: the server has no broker connection");
        String topic = "dashboard-redrive-" + java.util.UUID.randomUUID();
        try (var broker = io.bulwark.messaging.spi.Brokers.open(new io.bulwark.messaging.spi.BrokerSettings("test",
                "redis-streams", "redis://127.0.0.1:6379", Map.of()), new io.micrometer.core.instrument.simple.SimpleMeterRegistry())) {
            broker.declare(topic, "workers");
            java.util.concurrent.atomic.AtomicInteger rejected = new java.util.concurrent.atomic.AtomicInteger();
            java.util.Set<String> redelivered = java.util.concurrent.ConcurrentHashMap.newKeySet();
            java.util.concurrent.atomic.AtomicBoolean accept = new java.util.concurrent.atomic.AtomicBoolean();
            var subscription = broker.subscribe(topic, "workers", d -> {
                if (accept.get()) {
                    redelivered.add(new String(d.body(), java.nio.charset.StandardCharsets.UTF_8));
                    return;
                }
                rejected.incrementAndGet();
                throw new io.bulwark.messaging.Reject("not today");
            }, io.bulwark.messaging.SubscribeOptions.builder().concurrency(1).build());
            try {
                admin("POST", "/api/v1/messaging/bus/publish", "{\"topic\":\"" + topic + "\",\"message\":{\"n\":1}}");
                admin("POST", "/api/v1/messaging/bus/publish", "{\"topic\":\"" + topic + "\",\"message\":{\"n\":2}}");
                await().atMost(Duration.ofSeconds(10)).until(() -> get("/api/v1/messaging/bus/dead?topic=" + topic)
                        .path("items").size() == 2);
                accept.set(true);

                open(Role.VIEWER, "/ui/messaging");
                browser.find("#t-bus").sendKeys(topic);
                browser.find("button[data-action='dead-letters']").click();
                browser.await(d -> d.findElement(By.tagName("main")).getText().contains("not today"));
                assertThat(browser.findAll("main button[data-action='redrive']")).as("a viewer cannot redrive").isEmpty();
                assertCleanAndAccessible();

                open(Role.OPERATOR, "/ui/messaging");
                browser.find("#t-bus").sendKeys(topic);
                browser.find("button[data-action='dead-letters']").click();
                browser.await(d -> d.findElement(By.tagName("main")).getText().contains("not today"));
                browser.find("button[data-action='redrive']").click();
                confirm();
                awaitNotice("2 message(s) of " + topic + " published again");
                assertThat(get("/api/v1/messaging/bus/dead?topic=" + topic).path("items")).isEmpty();
                await().atMost(Duration.ofSeconds(10)).until(() -> redelivered.size() == 2);
                assertThat(redelivered).containsExactlyInAnyOrder("{\"n\":1}", "{\"n\":2}");
                assertThat(rejected.get()).isEqualTo(2);
                assertCleanAndAccessible();
            } finally {
                subscription.close();
            }
        }
    }

    @Test
    void theEventsPageFiltersByKind() {
        open(Role.VIEWER, "/ui/events");
        assertThat(text()).contains("leader.changed");
        browser.find("#f-kind").sendKeys("rollout.");
        browser.find("form.filters button[type=submit]").click();
        browser.await(d -> d.getCurrentUrl().endsWith("/ui/events?kind=rollout."));
        browser.await(d -> d.findElements(By.cssSelector("main tbody tr")).stream()
                .allMatch(r -> r.getText().contains("rollout.")));
        assertThat(text()).doesNotContain("leader.changed");
        assertCleanAndAccessible();
    }
}
