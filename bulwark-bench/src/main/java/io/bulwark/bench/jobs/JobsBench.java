package io.bulwark.bench.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bulwark.core.json.Json;
import org.HdrHistogram.Histogram;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The end-to-end job benchmark: a real {@code bulwark serve} child process on the embedded store,
 * driven over HTTP. Measures, on one node:
 * <ol>
 *   <li>enqueue rate: N {@code builtin.noop} jobs in batches into a paused queue;</li>
 *   <li>run rate: from resuming the queue until every job completed;</li>
 *   <li>overall rate: N jobs enqueued while the queue runs, until all completed;</li>
 *   <li>enqueue-to-start delay (p50/p99) on an idle queue, from the jobs' own timestamps;</li>
 *   <li>single-enqueue latency over HTTP (p50/p99), each a durable commit;</li>
 *   <li>peak RSS of the server (VmHWM) over the whole run.</li>
 * </ol>
 * Before the timed phases, {@code --warmup-jobs} jobs (20,000 by default) go through the same two
 * kinds of run on a queue of their own, untimed, as the engine benchmark warms up: on a freshly
 * started server a 100,000-job run is otherwise mostly the JIT compiling the job path (its two
 * compiler threads took 30% of the process's CPU during such a run), not what a running server does.
 * {@code --warmup-jobs 0} measures the cold server.
 * Usage: {@code JobsBench [--jobs 100000] [--batch 1000] [--concurrency 256] [--warmup-jobs 20000] [--jar bulwark-cli/target/bulwark.jar]
 * [--server-flag --key=value ...] [--jvm-arg ARG ...] [--only-single [--single-rounds 5] [--single-calls 3000]]}
 */
public final class JobsBench {

    private static final Pattern READY = Pattern.compile("ready on (http://\\S+)");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String base;
    private final List<String> serverFlags = new ArrayList<>();
    private final List<String> jvmArgs = new ArrayList<>();

    /**
     * Only the single-enqueue latency, on one server kept running: {@code rounds} rounds of
     * {@code calls} sequential enqueues into a paused queue (nothing else writes) and then into an
     * active one (the worker claims and completes each job as it comes, sharing the one writer).
     * The first rounds show the JIT warming up; the steady figures are the last rounds'.
     */
    private void single(Path jar, int rounds, int calls) throws Exception {
        Path dataDir = Files.createTempDirectory("bulwark-jobs-bench");
        Process server = start(jar, dataDir, 10);
        try {
            call("POST", "/api/v1/queues/single-idle/pause", "");
            System.out.printf("single enqueue over HTTP, one client, %d rounds of %d calls per queue; JVM %s, flags %s%n",
                    rounds, calls, jvmArgs.isEmpty() ? "none" : jvmArgs, serverFlags);
            System.out.println("one blocking keep-alive connection (RawHttp); the floor is GET /health/live on it, the disk"
                    + " column 500 fdatasyncs of a 4 KiB append in the data directory (what each durable commit waits for),"
                    + " and the last column the paused queue through the JDK's HttpClient");
            System.out.println("| round | floor p50 / p99 (ms) | disk fsync p50 / p99 (ms) | paused queue p50 / p90 / p99 / max (ms) "
                    + "| active queue p50 / p90 / p99 / max (ms) | paused, HttpClient, p50 / p99 (ms) |");
            System.out.println("|---|---|---|---|---|---|");
            for (int round = 1; round <= rounds; round++) {
                Histogram disk = fsyncs(dataDir.resolve("fsync-probe"), 500);
                Histogram floor;
                try (RawHttp raw = new RawHttp(URI.create(base))) {
                    floor = timed(calls, () -> raw.call("GET", "/health/live", null));
                }
                Histogram idle = singleEnqueues("single-idle", calls);
                Histogram busy = singleEnqueues("single", calls);
                Histogram viaClient = timed(calls, () -> call("POST", "/api/v1/jobs", singleBody("single-idle")));
                System.out.printf(Locale.ROOT, "| %d | %s | %s | %s | %s | %s |%n", round, p50p99(floor), p50p99(disk),
                        percentiles(idle), percentiles(busy), p50p99(viaClient));
            }
        } finally {
            server.toHandle().destroy();
            server.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static String p50p99(Histogram h) {
        return String.format(Locale.ROOT, "%.2f / %.2f", h.getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0);
    }

    private static String percentiles(Histogram h) {
        return String.format("%.2f / %.2f / %.2f / %.2f", h.getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(90) / 1000.0, h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0);
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args));
    }

    /** Runs with command-line {@code args}; returns the exit code. */
    public static int run(String[] args) throws Exception {
        int jobs = 100_000;
        int batch = 1000;
        int concurrency = 256;
        boolean onlySingle = false;
        int singleRounds = 5;
        int singleCalls = 3000;
        int warmupJobs = 20_000;
        Path jar = Path.of("bulwark-cli", "target", "bulwark.jar");
        List<String> serverFlags = new ArrayList<>();
        List<String> jvmArgs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--jobs" -> jobs = Integer.parseInt(args[++i]);
                case "--batch" -> batch = Integer.parseInt(args[++i]);
                case "--concurrency" -> concurrency = Integer.parseInt(args[++i]);
                case "--warmup-jobs" -> warmupJobs = Integer.parseInt(args[++i]);
                case "--jar" -> jar = Path.of(args[++i]);
                case "--server-flag" -> serverFlags.add(args[++i]);
                case "--jvm-arg" -> jvmArgs.add(args[++i]);
                case "--only-single" -> onlySingle = true;
                case "--single-rounds" -> singleRounds = Integer.parseInt(args[++i]);
                case "--single-calls" -> singleCalls = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println("unknown option " + args[i] + "; usage: jobs [--jobs N] [--batch N] [--concurrency N] [--warmup-jobs N] "
                            + "[--jar PATH] [--server-flag --key=value] [--jvm-arg ARG] [--only-single [--single-rounds N] [--single-calls N]]");
                    return 2;
                }
            }
        }
        JobsBench bench = new JobsBench();
        bench.serverFlags.addAll(serverFlags);
        bench.jvmArgs.addAll(jvmArgs);
        if (!Files.isRegularFile(jar)) {
            System.err.println(jar + " does not exist: build it with ./mvnw -pl bulwark-cli -am package -DskipTests");
            return 2;
        }
        if (onlySingle) {
            bench.single(jar, singleRounds, singleCalls);
        } else {
            bench.run(jar, jobs, batch, concurrency, warmupJobs);
        }
        return 0;
    }

    private void run(Path jar, int jobs, int batch, int concurrency, int warmupJobs) throws Exception {
        Path data = Files.createTempDirectory("bulwark-jobs-bench");
        Process server = start(jar, data, concurrency);
        try {
            System.out.printf("Bulwark jobs benchmark: %d builtin.noop jobs, batches of %d, concurrency %d, one node%n",
                    jobs, batch, concurrency);
            System.out.printf("machine: %d cores, %s, JDK %s (%s); server JVM options %s%n",
                    Runtime.getRuntime().availableProcessors(), memory(), Runtime.version(), System.getProperty("java.vendor"),
                    jvmArgs.isEmpty() ? "none" : jvmArgs);
            if (warmupJobs > 0) {
                call("POST", "/api/v1/queues/warmup/pause", "");
                enqueue("warmup", warmupJobs, batch);
                call("POST", "/api/v1/queues/warmup/resume", "");
                awaitCompleted("warmup", warmupJobs);
                enqueue("warmup", warmupJobs, batch);
                awaitCompleted("warmup", 2 * warmupJobs);
                System.out.printf("(warmed up: %,d jobs run after a paused enqueue and %,d enqueued while running, untimed)%n",
                        warmupJobs, warmupJobs);
            } else {
                System.out.println("(no warm-up: a cold server)");
            }

            call("POST", "/api/v1/queues/bench/pause", "");
            long t0 = System.nanoTime();
            enqueue("bench", jobs, batch);
            double enqueueSeconds = seconds(t0);
            long t1 = System.nanoTime();
            call("POST", "/api/v1/queues/bench/resume", "");
            awaitCompleted("bench", jobs);
            double runSeconds = seconds(t1);

            long t2 = System.nanoTime();
            enqueue("overall", jobs, batch);
            awaitCompleted("overall", jobs);
            double overallSeconds = seconds(t2);

            Histogram startDelay = startDelays(500);
            Histogram single = singleEnqueues("single", 2000);
            long peakKb = status(server.pid(), "VmHWM");

            System.out.printf("%n%-44s %12s%n", "measure", "value");
            row("enqueue (paused queue, batches)", jobs / enqueueSeconds, "jobs/s");
            row("run (resume until all completed)", jobs / runSeconds, "jobs/s");
            row("overall (enqueue + run, sequential phases)", jobs / (enqueueSeconds + runSeconds), "jobs/s");
            row("overall (enqueue while running)", jobs / overallSeconds, "jobs/s");
            row("enqueue-to-start p50, idle queue", startDelay.getValueAtPercentile(50), "ms");
            row("enqueue-to-start p99, idle queue", startDelay.getValueAtPercentile(99), "ms");
            row("single enqueue over HTTP p50", single.getValueAtPercentile(50) / 1000.0, "ms");
            row("single enqueue over HTTP p99", single.getValueAtPercentile(99) / 1000.0, "ms");
            row("server peak RSS (VmHWM)", peakKb / 1024.0, "MiB");
        } finally {
            server.toHandle().destroy();
            server.waitFor(30, TimeUnit.SECONDS);
            server.destroyForcibly();
        }
    }

    private static void row(String what, double value, String unit) {
        System.out.printf("%-44s %12.2f %s%n", what, value, unit);
    }

    private Process start(Path jar, Path data, int concurrency) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of("-jar", jar.toString(), "serve", "--port", "0", "--data-dir", data.toString(), "--log.access=false",
                "--jobs.queues.bench.concurrency=" + concurrency, "--jobs.queues.overall.concurrency=" + concurrency,
                "--jobs.queues.warmup.concurrency=" + concurrency));
        cmd.addAll(serverFlags);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    Matcher m = READY.matcher(line);
                    if (m.find()) {
                        ready.complete(m.group(1));
                    }
                }
            } catch (IOException e) {
                // server gone
            }
            ready.completeExceptionally(new IllegalStateException("the server exited before it was ready"));
        });
        base = ready.orTimeout(60, TimeUnit.SECONDS).join();
        return p;
    }

    private void enqueue(String queue, int jobs, int batch) throws Exception {
        for (int done = 0; done < jobs; done += batch) {
            ObjectNode body = Json.mapper().createObjectNode();
            ArrayNode list = body.putArray("jobs");
            for (int i = 0; i < Math.min(batch, jobs - done); i++) {
                list.addObject().put("queue", queue).put("type", "builtin.noop");
            }
            call("POST", "/api/v1/jobs/batch", Json.mapper().writeValueAsString(body));
        }
    }

    /**
     * Waits until every job of {@code queue} has run: its live counts (available, running,
     * scheduled, retryable) read zero. Those are read fresh on each call once fewer than 50,000
     * jobs are live, while the completed count of a queue with 100,000 finished jobs may be a
     * reading a second or more old (docs/stores.md, "Queue counts as finished jobs pile up"), which
     * would add that second to the run. The completed count is checked afterwards, untimed. Polled
     * every 50 ms: each poll costs the server a count of the queue's finished jobs (up to 50,000
     * rows), which at 50 polls a second took about 5% of a core from the run it measures.
     */
    private void awaitCompleted(String queue, int jobs) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        pollUntil(deadline, () -> live(counts(queue)) == 0, "jobs of " + queue + " did not complete within 10 minutes");
        pollUntil(deadline, () -> counts(queue).get("completed").asLong() >= jobs,
                "no live jobs are left in " + queue + " but fewer than " + jobs + " completed within 10 minutes");
    }

    private JsonNode counts(String queue) throws Exception {
        return call("GET", "/api/v1/queues/" + queue, null).get("counts");
    }

    /** A condition read over HTTP. */
    private interface Check {
        boolean holds() throws Exception;
    }

    /** Reads {@code check} every 50 ms until it holds; fails with {@code otherwise} past {@code deadline}. */
    private static void pollUntil(long deadline, Check check, String otherwise) throws Exception {
        while (!check.holds()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(otherwise);
            }
            Thread.sleep(50);
        }
    }

    private static long live(JsonNode counts) {
        return counts.get("available").asLong() + counts.get("running").asLong() + counts.get("scheduled").asLong()
                + counts.get("retryable").asLong();
    }

    /** Enqueues one job at a time on an idle queue and reads how long each waited to start. */
    private Histogram startDelays(int n) throws Exception {
        Histogram h = new Histogram(3);
        for (int i = 0; i < n; i++) {
            String id = call("POST", "/api/v1/jobs", singleBody("latency")).get("id").asText();
            JsonNode job;
            do {
                job = call("GET", "/api/v1/jobs/" + id, null);
            } while (!job.get("state").asText().equals("completed"));
            long ms = Duration.between(Instant.parse(job.get("createdAt").asText()), Instant.parse(job.get("startedAt").asText())).toMillis();
            h.recordValue(Math.max(0, ms));
        }
        return h;
    }

    /** Sequential single enqueues into {@code queue} on one blocking connection; microseconds each. */
    private Histogram singleEnqueues(String queue, int n) throws Exception {
        String body = singleBody(queue);
        try (RawHttp raw = new RawHttp(URI.create(base))) {
            return timed(n, () -> {
                int status = raw.call("POST", "/api/v1/jobs", body);
                if (status != 201) {
                    throw new IllegalStateException("POST /api/v1/jobs answered " + status);
                }
            });
        }
    }

    private static String singleBody(String queue) {
        return "{\"queue\":\"" + queue + "\",\"type\":\"builtin.noop\"}";
    }

    /** One call of a timed run. */
    private interface Call {
        void run() throws Exception;
    }

    /** {@code n} appends of 4 KiB to {@code file}, each followed by an fdatasync, timed; the file is removed after. */
    private static Histogram fsyncs(Path file, int n) throws Exception {
        java.nio.ByteBuffer block = java.nio.ByteBuffer.allocate(4096);
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE,
                java.nio.file.StandardOpenOption.APPEND)) {
            return timed(n, () -> {
                block.rewind();
                ch.write(block);
                ch.force(false);
            });
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** {@code n} calls in a row; microseconds each. */
    private static Histogram timed(int n, Call call) throws Exception {
        Histogram h = new Histogram(3);
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            call.run();
            h.recordValue((System.nanoTime() - t) / 1000);
        }
        return h;
    }

    private JsonNode call(String method, String path, String body) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return Json.mapper().readTree(r.body());
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static long status(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("\\D+", ""));
            }
        }
        return -1;
    }

    private static String memory() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("MemTotal:")) {
                return Long.parseLong(line.replaceAll("\\D+", "")) / 1024 / 1024 + " GiB RAM";
            }
        }
        return "unknown RAM";
    }
}
