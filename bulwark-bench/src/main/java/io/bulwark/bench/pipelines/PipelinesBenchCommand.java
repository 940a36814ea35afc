package io.bulwark.bench.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.bench.Machine;
import io.bulwark.bench.http.ReadinessProbe;
import io.bulwark.bench.http.ServerLauncher;
import io.bulwark.bench.http.ServerProcess;
import io.bulwark.core.json.Json;
import io.bulwark.core.units.Durations;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code bulwark-bench pipelines}: pipelines through a real {@code bulwark serve} on the embedded
 * store, driven over HTTP, timed by the server's own timestamps (a run's createdAt to finishedAt,
 * a job's createdAt to finishedAt), so the client's polling does not count:
 * <ol>
 *   <li>step overhead: a one-step pipeline of {@code builtin.noop} against a lone {@code builtin.noop}
 *       job, each started one at a time;</li>
 *   <li>for each concurrency level: that many runs of a three-step pipeline started at once, their
 *       start-to-finish p50/p95/p99 and the runs per second from the first start to the last finish;</li>
 *   <li>schedule-to-enqueue lag of an every-second schedule, from its firings.</li>
 * </ol>
 */
@Command(name = "pipelines", mixinStandardHelpOptions = true,
        description = "Pipelines end to end on one node: step overhead, run latency at several concurrencies, schedule lag.")
public final class PipelinesBenchCommand implements Callable<Integer> {

    @Option(names = "--runs", split = ",", defaultValue = "100,1000", description = "Concurrent runs per level (default ${DEFAULT-VALUE}).")
    List<Integer> levels;

    @Option(names = "--sequential", defaultValue = "200", description = "Runs and jobs for the step overhead (default ${DEFAULT-VALUE}).")
    int sequential;

    @Option(names = "--jar", defaultValue = "bulwark-cli/target/bulwark.jar", description = "bulwark.jar (default ${DEFAULT-VALUE}).")
    Path jar;

    private final HttpClient http = HttpClient.newHttpClient();
    private URI base;

    private static final String ONE = "{\"id\":\"one\",\"steps\":[{\"id\":\"a\",\"type\":\"builtin.noop\"}]}";
    private static final String THREE = "{\"id\":\"three\",\"steps\":["
            + "{\"id\":\"extract\",\"type\":\"builtin.echo\",\"input\":{\"n\":\"${input.n}\"}},"
            + "{\"id\":\"transform\",\"type\":\"builtin.echo\",\"after\":[\"extract\"],\"input\":{\"n\":\"${steps.extract.output.n}\"}},"
            + "{\"id\":\"load\",\"type\":\"builtin.noop\",\"after\":[\"transform\"]}]}";

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(jar)) {
            System.err.println(jar + " does not exist: build it with ./mvnw -pl bulwark-cli -am package -DskipTests");
            return 2;
        }
        Path work = Files.createTempDirectory("bulwark-pipelines-bench");
        Path java = Path.of(ProcessHandle.current().info().command().orElse("java"));
        ServerLauncher launcher = new ServerLauncher(java, jar.toAbsolutePath(), work, List.of("-Xmx512m"),
                List.of("--log.access=false"));
        try (ServerProcess server = launcher.start(work.resolve("data"), work.resolve("server.log"))) {
            new ReadinessProbe().await(server, Duration.ofSeconds(90));
            base = server.base();
            System.out.printf("Bulwark pipelines benchmark, one node, embedded store%nmachine: %s%n", Machine.current().describe());
            post("/api/v1/pipelines", ONE);
            post("/api/v1/pipelines", THREE);
            startAll("three", 200, "warm");
            awaitDone("warm", 200);

            Histogram jobs = new Histogram(3);
            Histogram runs = new Histogram(3);
            for (int i = 0; i < sequential; i++) {
                String job = post("/api/v1/jobs", "{\"type\":\"builtin.noop\",\"queue\":\"pipelines\"}").get("id").asText();
                jobs.recordValue(micros(awaitFinished("/api/v1/jobs/" + job, "completed")));
                String run = post("/api/v1/pipelines/one/runs", "{\"input\":{}}").get("id").asText();
                runs.recordValue(micros(awaitFinished("/api/v1/runs/" + run, "completed")));
            }
            System.out.printf("%nstep overhead (%d one at a time, server timestamps): lone noop job p50 %.1f ms; one-step "
                            + "pipeline p50 %.1f ms; overhead p50 %.1f ms (%.2fx)%n", sequential, ms(jobs, 50), ms(runs, 50),
                    ms(runs, 50) - ms(jobs, 50), ms(runs, 50) / ms(jobs, 50));

            System.out.printf("%n%-12s %10s %10s %10s %10s %10s%n", "concurrent", "p50 ms", "p95 ms", "p99 ms", "max ms", "runs/s");
            for (int n : levels) {
                String tag = "c" + n;
                startAll("three", n, tag);
                List<JsonNode> done = awaitDone(tag, n);
                Histogram h = new Histogram(3);
                Instant first = Instant.MAX;
                Instant last = Instant.MIN;
                for (JsonNode r : done) {
                    Instant created = Instant.parse(r.get("createdAt").asText());
                    Instant finished = Instant.parse(r.get("finishedAt").asText());
                    h.recordValue(Math.max(1, Duration.between(created, finished).toNanos() / 1000));
                    first = created.isBefore(first) ? created : first;
                    last = finished.isAfter(last) ? finished : last;
                }
                double seconds = Duration.between(first, last).toNanos() / 1e9;
                System.out.printf("%-12d %10.1f %10.1f %10.1f %10.1f %10.1f%n", n, ms(h, 50), ms(h, 95), ms(h, 99),
                        h.getMaxValue() / 1000.0, n / seconds);
            }

            post("/api/v1/schedules", "{\"name\":\"tick\",\"cron\":\"* * * * * *\",\"job\":{\"type\":\"builtin.noop\"}}");
            Thread.sleep(Duration.ofSeconds(21));
            Histogram lag = new Histogram(3);
            for (JsonNode f : get("/api/v1/schedules/tick").get("history")) {
                if (f.hasNonNull("lag")) {
                    lag.recordValue(Math.max(1, Durations.parse(f.get("lag").asText()).toNanos() / 1000));
                }
            }
            System.out.printf("%nschedule-to-enqueue lag, every-second schedule, last %d firings: p50 %.1f ms, max %.1f ms%n",
                    lag.getTotalCount(), ms(lag, 50), lag.getMaxValue() / 1000.0);
        }
        return 0;
    }

    private void startAll(String pipeline, int n, String tag) throws Exception {
        try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
            List<Future<JsonNode>> started = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String body = "{\"input\":{\"n\":" + i + "},\"idempotencyKey\":\"" + tag + "-" + i + "\"}";
                started.add(pool.submit(() -> post("/api/v1/pipelines/" + pipeline + "/runs", body)));
            }
            for (Future<JsonNode> f : started) {
                f.get();
            }
        }
    }

    /** Waits until the {@code n} runs started with keys {@code tag-*} are over; returns them. */
    private List<JsonNode> awaitDone(String tag, int n) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (true) {
            List<JsonNode> mine = new ArrayList<>();
            String cursor = null;
            do {
                JsonNode page = get("/api/v1/runs?pipeline=three&limit=500" + (cursor == null ? "" : "&cursor=" + cursor));
                for (JsonNode r : page.get("items")) {
                    if (r.path("idempotencyKey").asText("").startsWith(tag + "-") && !r.path("state").asText().equals("running")) {
                        mine.add(r);
                    }
                }
                cursor = page.hasNonNull("nextCursor") ? page.get("nextCursor").asText() : null;
            } while (cursor != null);
            if (mine.size() >= n) {
                mine.forEach(r -> {
                    if (!r.get("state").asText().equals("completed")) {
                        throw new IllegalStateException("run " + r.get("id") + " ended " + r.get("state") + ": " + r.get("error"));
                    }
                });
                return mine;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(mine.size() + " of " + n + " runs of " + tag + " ended in 10 minutes");
            }
            Thread.sleep(100);
        }
    }

    private Duration awaitFinished(String path, String state) throws Exception {
        while (true) {
            JsonNode r = get(path);
            if (r.path("state").asText().equals(state) && r.hasNonNull("finishedAt")) {
                return Duration.between(Instant.parse(r.get("createdAt").asText()), Instant.parse(r.get("finishedAt").asText()));
            }
            Thread.sleep(2);
        }
    }

    private JsonNode post(String path, String body) throws Exception {
        return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private JsonNode get(String path) throws Exception {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET().build());
    }

    private JsonNode send(HttpRequest request) throws Exception {
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException(request.method() + " " + request.uri().getPath() + " answered " + r.statusCode()
                    + ": " + r.body());
        }
        return Json.mapper().readTree(r.body());
    }

    private static long micros(Duration d) {
        return Math.max(1, d.toNanos() / 1000);
    }

    private static double ms(Histogram h, double percentile) {
        return h.getValueAtPercentile(percentile) / 1000.0;
    }
}
