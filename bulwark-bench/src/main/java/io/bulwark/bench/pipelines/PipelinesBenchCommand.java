package io.bulwark.bench.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.bench.Machine;
import io.bulwark.bench.fleet.ChildNode;
import io.bulwark.bench.fleet.NodeLauncher;
import io.bulwark.bench.http.ReadinessProbe;
import io.bulwark.bench.http.ServerLauncher;
import io.bulwark.bench.http.ServerProcess;
import io.bulwark.bench.jobsdb.BenchDatabase;
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
 * store (or, with {@code --store postgres}, an API-only {@code bulwark serve} and {@code --workers}
 * {@code bulwark worker} processes on a fresh schema of PostgreSQL, which run every step), driven over HTTP, timed by the server's own timestamps (a run's createdAt to finishedAt,
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
        description = "Pipelines end to end, one node on the embedded store or workers on PostgreSQL: step overhead, run "
                + "latency at several concurrencies, schedule lag.")
public final class PipelinesBenchCommand implements Callable<Integer> {

    @Option(names = "--runs", split = ",", defaultValue = "100,1000", description = "Concurrent runs per level (default ${DEFAULT-VALUE}).")
    List<Integer> levels;

    @Option(names = "--sequential", defaultValue = "200", description = "Runs and jobs for the step overhead (default ${DEFAULT-VALUE}).")
    int sequential;

    @Option(names = "--jar", defaultValue = "bulwark-cli/target/bulwark.jar", description = "bulwark.jar (default ${DEFAULT-VALUE}).")
    Path jar;

    @Option(names = "--store", defaultValue = "embedded", description = "embedded (one node) or postgres (an API node and "
            + "--workers workers on a fresh schema; default ${DEFAULT-VALUE}).")
    String store;

    @Option(names = "--workers", defaultValue = "3", description = "Workers with --store postgres (default ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--url", defaultValue = "jdbc:postgresql://127.0.0.1:5432/test", description = "The database with "
            + "--store postgres (default ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--user", defaultValue = "postgres", description = "Its user (default ${DEFAULT-VALUE}).")
    String user;

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
        if (!store.equals("embedded") && !store.equals("postgres")) {
            System.err.println("--store must be embedded or postgres but was '" + store + "'");
            return 2;
        }
        boolean postgres = store.equals("postgres");
        if (postgres && (workers < 1 || workers > 16)) {
            System.err.println("--workers must be from 1 to 16 but was " + workers);
            return 2;
        }
        Path work = Files.createTempDirectory("bulwark-pipelines-bench");
        Path java = Path.of(ProcessHandle.current().info().command().orElse("java"));
        BenchDatabase.Schema schema = postgres ? new BenchDatabase(url, user).createSchema("pipelines") : null;
        List<String> serveArgs = new ArrayList<>(List.of("--log.access=false"));
        if (postgres) {
            serveArgs.addAll(List.of("--store.url=" + schema.url(), "--store.user=" + user, "--node.role=api"));
        }
        ServerLauncher launcher = new ServerLauncher(java, jar.toAbsolutePath(), work, List.of("-Xmx512m"), serveArgs);
        List<ChildNode> nodes = new ArrayList<>();
        try (ServerProcess server = launcher.start(work.resolve("data"), work.resolve("server.log"))) {
            new ReadinessProbe().await(server, Duration.ofSeconds(90));
            base = server.base();
            if (postgres) {
                NodeLauncher workerLauncher = new NodeLauncher(java, jar.toAbsolutePath(), "", work, user, List.of("-Xmx512m"),
                        List.of());
                for (int i = 1; i <= workers; i++) {
                    nodes.add(workerLauncher.worker(schema.url(), "worker-" + i, List.of()));
                }
                awaitWorkers(workers);
                System.out.printf("Bulwark pipelines benchmark, an API node and %d workers on PostgreSQL (%s)%nmachine: %s%n",
                        workers, url, Machine.current().describe());
            } else {
                System.out.printf("Bulwark pipelines benchmark, one node, embedded store%nmachine: %s%n",
                        Machine.current().describe());
            }
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
            for (ChildNode n : nodes) {
                if (!n.isAlive()) {
                    throw new IllegalStateException("a worker stopped during the run: " + n.describeFailure());
                }
            }
        } finally {
            nodes.forEach(ChildNode::close);
            if (schema != null) {
                schema.close();
            }
        }
        return 0;
    }

    /** Waits until {@code n} worker nodes are alive in the fleet, besides the API node. */
    private void awaitWorkers(int n) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (true) {
            int alive = 0;
            for (JsonNode node : get("/api/v1/nodes").path("items")) {
                if (node.path("state").asText().equalsIgnoreCase("alive") && node.path("role").asText().equals("worker")) {
                    alive++;
                }
            }
            if (alive >= n) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(alive + " of " + n + " workers joined the fleet within 2 minutes");
            }
            Thread.sleep(200);
        }
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
