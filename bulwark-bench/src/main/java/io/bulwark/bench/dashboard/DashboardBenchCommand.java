package io.bulwark.bench.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bulwark.bench.Machine;
import io.bulwark.bench.http.ReadinessProbe;
import io.bulwark.bench.http.ServerLauncher;
import io.bulwark.bench.http.ServerProcess;
import io.bulwark.core.json.Json;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code bulwark-bench dashboard}: how long the dashboard's pages take to load with a large store.
 * Starts {@code bulwark serve} on the embedded store, fills it with {@code --jobs} jobs (most
 * completed, some dead, some waiting on a paused queue, a tenth tagged), then opens each page in
 * Debian's headless Chromium {@code --runs} times and reads how long after the navigation's start
 * the page was drawn with its data ({@code body[data-ready-ms]}, set by the dashboard's script once
 * every request of the page has been answered and drawn). The goal (issue #20) is under 1 s.
 */
@Command(name = "dashboard", mixinStandardHelpOptions = true,
        description = "Dashboard page load times in Chromium with a store of --jobs jobs.")
public final class DashboardBenchCommand implements Callable<Integer> {

    @Option(names = "--jobs", defaultValue = "100000", description = "Jobs in the store (default ${DEFAULT-VALUE}).")
    int jobs;

    @Option(names = "--runs", defaultValue = "5", description = "Loads of each page after one warm-up (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--jar", defaultValue = "bulwark-cli/target/bulwark.jar", description = "bulwark.jar (default ${DEFAULT-VALUE}).")
    Path jar;

    @Option(names = "--chromium", defaultValue = "/usr/bin/chromium", description = "Chromium (default ${DEFAULT-VALUE}).")
    Path chromium;

    @Option(names = "--chromedriver", defaultValue = "/usr/bin/chromedriver", description = "chromedriver (default ${DEFAULT-VALUE}).")
    Path chromedriver;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private URI base;
    private String key;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(jar)) {
            System.err.println(jar + " does not exist: build it with ./mvnw -pl bulwark-cli -am package -DskipTests");
            return 2;
        }
        if (jobs < 1000 || jobs > 10_000_000) {
            System.err.println("--jobs must be from 1000 to 10000000 but was " + jobs);
            return 2;
        }
        if (runs < 1 || runs > 100) {
            System.err.println("--runs must be from 1 to 100 but was " + runs);
            return 2;
        }
        for (Path p : List.of(chromium, chromedriver)) {
            if (!Files.isExecutable(p)) {
                System.err.println(p + " is not there: install Debian's Chromium with 'apt-get install -y chromium "
                        + "chromium-driver', or name it with --chromium / --chromedriver");
                return 2;
            }
        }
        Path work = Files.createTempDirectory("bulwark-dashboard-bench");
        Path java = Path.of(ProcessHandle.current().info().command().orElse("java"));
        ServerLauncher launcher = new ServerLauncher(java, jar.toAbsolutePath(), work, List.of("-Xmx512m"),
                List.of("--log.access=false", "--jobs.queues.parked.paused=true", "--jobs.queues.default.concurrency=32",
                        "--jobs.pollInterval=20ms"));
        Path data = work.resolve("data");
        Files.createDirectories(data);
        key = launcher.createKey(data, "admin", Duration.ofSeconds(60));
        try (ServerProcess server = launcher.start(data, work.resolve("server.log"))) {
            new ReadinessProbe().await(server, Duration.ofSeconds(90));
            base = server.base();
            System.out.printf("Bulwark dashboard benchmark, one node, embedded store%nmachine: %s%n", Machine.current().describe());
            long t0 = System.nanoTime();
            String oneJob = seed();
            System.out.printf("store: %,d jobs (%,d completed, %,d dead, %,d waiting on a paused queue; a tenth tagged), "
                            + "filled in %.1f s%n", jobs, completedJobs(), deadJobs(), parkedJobs(),
                    (System.nanoTime() - t0) / 1e9);

            Map<String, String> pages = new LinkedHashMap<>();
            pages.put("overview", "/ui/");
            pages.put("queues", "/ui/queues");
            pages.put("jobs", "/ui/jobs");
            pages.put("jobs, state=dead", "/ui/jobs?state=dead");
            pages.put("jobs, queue=parked", "/ui/jobs?queue=parked");
            pages.put("jobs, tag=alpha", "/ui/jobs?tag=alpha");
            pages.put("jobs, type=builtin.fail", "/ui/jobs?type=builtin.fail");
            pages.put("dead letters", "/ui/dead?queue=default");
            pages.put("a job", "/ui/job?id=" + oneJob);
            pages.put("nodes", "/ui/nodes");

            ChromeDriver driver = browser();
            try {
                driver.get(base.resolve("/ui/login").toString());
                driver.executeScript("sessionStorage.setItem('bulwark.key', arguments[0]);", key);
                // The session cookie that lets the browser load the pages, as the login page starts it.
                Object started = driver.executeAsyncScript("const done = arguments[arguments.length - 1];"
                        + "fetch('/ui/session', {method: 'POST', credentials: 'same-origin', headers: "
                        + "{Authorization: 'Bearer ' + arguments[0]}}).then(r => done(r.status), e => done(String(e)));", key);
                if (!Long.valueOf(200).equals(started)) {
                    throw new IllegalStateException("could not start a dashboard session: " + started);
                }
                System.out.printf("%nload to drawn with data, ms (%d loads after one warm-up; Chromium headless)%n", runs);
                System.out.printf("%-26s %8s %8s %8s %8s%n", "page", "min", "median", "max", "vs 1 s");
                double worst = 0;
                for (Map.Entry<String, String> page : pages.entrySet()) {
                    load(driver, page.getValue());
                    long[] ms = new long[runs];
                    for (int i = 0; i < runs; i++) {
                        ms[i] = load(driver, page.getValue());
                    }
                    Arrays.sort(ms);
                    long median = ms[runs / 2];
                    worst = Math.max(worst, median);
                    System.out.printf("%-26s %8d %8d %8d %7.2fx%n", page.getKey(), ms[0], median, ms[runs - 1], median / 1000.0);
                }
                System.out.printf("%nslowest median: %.0f ms = %.2fx the 1 s goal%n", worst, worst / 1000.0);
            } finally {
                driver.quit();
            }
            server.stop(Duration.ofSeconds(30));
        }
        return 0;
    }

    private ChromeDriver browser() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,900", "--no-first-run", "--disable-extensions", "--disable-background-networking",
                "--disable-component-update", "--disable-sync");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.toFile())
                .usingAnyFreePort().withSilent(true).build();
        return new ChromeDriver(service, options);
    }

    /** Loads {@code path} and returns the page's own figure: ms from navigation start to drawn with data. */
    private long load(ChromeDriver driver, String path) {
        driver.get(base.resolve(path).toString());
        Object ms = new WebDriverWait(driver, Duration.ofSeconds(60), Duration.ofMillis(5)).until(d -> {
            Object ready = driver.executeScript("return document.body && document.body.dataset.ready;");
            if ("error".equals(ready)) {
                throw new IllegalStateException("the page " + path + " could not be drawn: "
                        + driver.findElement(org.openqa.selenium.By.tagName("body")).getText());
            }
            return "true".equals(ready) ? driver.executeScript("return document.body.dataset.readyMs;") : null;
        });
        return Long.parseLong(ms.toString());
    }

    private int parkedJobs() {
        return jobs / 20;
    }

    private int deadJobs() {
        return jobs / 20;
    }

    private int completedJobs() {
        return jobs - parkedJobs() - deadJobs();
    }

    /** Fills the store; returns the id of one completed job. */
    private String seed() throws Exception {
        String one = null;
        int made = 0;
        int batch = 5000;
        while (made < jobs) {
            ObjectNode body = Json.mapper().createObjectNode();
            ArrayNode list = body.putArray("jobs");
            int n = Math.min(batch, jobs - made);
            for (int i = 0; i < n; i++) {
                int k = made + i;
                ObjectNode job = list.addObject();
                if (k < parkedJobs()) {
                    job.put("type", "builtin.noop").put("queue", "parked");
                } else if (k < parkedJobs() + deadJobs()) {
                    job.put("type", "builtin.fail").put("maxAttempts", 1).putObject("payload").put("times", 99);
                } else {
                    job.put("type", "builtin.noop").putObject("payload").put("n", k);
                }
                if (k % 10 == 0) {
                    job.putArray("tags").add("alpha");
                }
            }
            JsonNode created = post("/api/v1/jobs/batch", Json.mapper().writeValueAsString(body));
            if (one == null && made + n > parkedJobs() + deadJobs()) {
                one = created.path("jobs").get(n - 1).path("id").asText();
            }
            made += n;
        }
        long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
        while (true) {
            JsonNode counts = get("/api/v1/queues/default").path("counts");
            long done = counts.path("completed").asLong() + counts.path("dead").asLong();
            if (done >= completedJobs() + deadJobs()) {
                return one;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the jobs did not finish within 30 minutes: " + counts);
            }
            Thread.sleep(500); // polling a child process's progress, not waiting in a test
        }
    }

    private JsonNode get(String path) throws Exception {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    private JsonNode post(String path, String json) throws Exception {
        return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    private JsonNode send(HttpRequest.Builder b) throws Exception {
        HttpResponse<String> r = http.send(b.header("Authorization", "Bearer " + key).timeout(Duration.ofSeconds(120))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException(r.request().method() + " " + r.request().uri().getPath() + " answered "
                    + r.statusCode() + ": " + r.body());
        }
        return Json.mapper().readTree(r.body());
    }
}
