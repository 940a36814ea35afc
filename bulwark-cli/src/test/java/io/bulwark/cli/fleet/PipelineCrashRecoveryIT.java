package io.bulwark.cli.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * kill -9 of {@code bulwark serve} on the embedded store in the middle of 50 runs of a six-step
 * pipeline with a fan-out of 20 branches and a fan-in, then a restart on the same data directory:
 * every run completes with the outputs a crash-free run gives, and no step that had completed runs
 * again. Each step calls a local recorder over HTTP ({@code http} steps of 50 ms) that counts the
 * calls per step instance: an instance called more than once must be one whose job was in flight
 * at the kill (its job used more than one attempt), never one whose output was checkpointed.
 */
class PipelineCrashRecoveryIT {

    private static final int RUNS = 50;
    private static final int BRANCHES = 20;

    @TempDir
    Path dataDir;

    private final List<FleetNode> nodes = new ArrayList<>();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private HttpServer recorder;

    @AfterEach
    void stop() {
        nodes.forEach(FleetNode::destroy);
        if (recorder != null) {
            recorder.stop(0);
        }
    }

    private FleetNode serve() throws IOException {
        List<String> cmd = List.of(ProcessHandle.current().info().command().orElse("java"), "-XX:+UseSerialGC",
                "-Xmx384m", "-jar", Path.of("target", "bulwark.jar").toAbsolutePath().toString(), "serve", "--port", "0",
                "--data-dir", dataDir.toString(), "--log.access=false", "--jobs.lease=5s", "--jobs.pollInterval=50ms",
                "--jobs.queues.pipelines.concurrency=16");
        FleetNode node = FleetNode.launch("serve", FleetNode.Kind.SERVE, dataDir, cmd).awaitReady(Duration.ofSeconds(90));
        nodes.add(node);
        return node;
    }

    /** Counts each call by its path and query (one step instance of one run), waits 50 ms, answers the body's number squared. */
    private String startRecorder() throws IOException {
        recorder = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        recorder.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        recorder.createContext("/step", exchange -> {
            String key = exchange.getRequestURI().getPath() + "?" + exchange.getRequestURI().getQuery();
            calls.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            // Bodies are "v=<number>": a template of text and an expression is always text.
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).strip();
            long n = Long.parseLong(body.substring(body.indexOf('=') + 1));
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] answer = Long.toString(n * n).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        recorder.start();
        return "http://127.0.0.1:" + recorder.getAddress().getPort() + "/step";
    }

    private static String step(String id, String after, String url, String body, String extra) {
        return "{\"id\":\"" + id + "\",\"type\":\"http\"" + (after == null ? "" : ",\"after\":[\"" + after + "\"]") + extra
                + ",\"input\":{\"method\":\"POST\",\"url\":\"" + url + "\",\"body\":\"v=" + body + "\"}}";
    }

    @Test
    void everyRunCompletesWithItsOutputsAndNoCompletedStepRunsAgainAfterKill9AndRestart() throws Exception {
        String url = startRecorder();
        String q = "?run=${input.run}";
        String pipeline = "{\"id\":\"crash\",\"steps\":["
                + step("start", null, url + "/start" + q, "${input.run}", "") + ","
                + step("fan", "start", url + "/fan" + q + "&i=${index}", "${item}",
                ",\"forEach\":\"${input.items}\",\"parallelism\":5") + ","
                + step("gather", "fan", url + "/gather" + q, "${size(steps.fan.output)}", "") + ","
                + step("check", "gather", url + "/check" + q, "${steps.gather.output.body}", "") + ","
                + step("report", "check", url + "/report" + q, "${input.run}", "") + ","
                + "{\"id\":\"done\",\"type\":\"builtin.echo\",\"after\":[\"report\"],\"input\":{\"run\":\"${input.run}\","
                + "\"squares\":\"${steps.fan.output}\",\"check\":\"${steps.check.output.body}\"}}]}";

        FleetNode first = serve();
        FleetApi api = new FleetApi(first.url());
        api.post("/api/v1/pipelines", pipeline);
        List<String> runs = new ArrayList<>();
        for (int r = 0; r < RUNS; r++) {
            StringBuilder items = new StringBuilder();
            for (int i = 0; i < BRANCHES; i++) {
                items.append(i == 0 ? "" : ",").append(r + i);
            }
            runs.add(api.post("/api/v1/pipelines/crash/runs", "{\"input\":{\"run\":" + r + ",\"items\":[" + items + "]}}")
                    .get("id").asText());
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .until(() -> calls.keySet().stream().filter(k -> k.startsWith("/step/fan")).count() >= RUNS * BRANCHES / 3);
        first.kill9();
        long completedAtKill = calls.keySet().stream().filter(k -> k.startsWith("/step/report")).count();
        System.out.printf("killed with %d fan calls and %d reports done%n",
                calls.keySet().stream().filter(k -> k.startsWith("/step/fan")).count(), completedAtKill);

        FleetNode second = serve();
        FleetApi again = new FleetApi(second.url());
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(() ->
                runs.stream().allMatch(id -> state(again, id).equals("completed")));

        List<String> rerunCompleted = new ArrayList<>();
        for (int r = 0; r < RUNS; r++) {
            JsonNode run = again.get("/api/v1/runs/" + runs.get(r));
            assertThat(run.get("state").asText()).isEqualTo("completed");
            JsonNode done = null;
            for (JsonNode s : run.get("steps")) {
                String id = s.get("id").asText();
                if (id.equals("done")) {
                    done = s.get("output");
                    continue;
                }
                String key = "/step/" + id + "?run=" + r + (s.hasNonNull("index") ? "&i=" + s.get("index").asInt() : "");
                int called = calls.getOrDefault(key, new AtomicInteger()).get();
                int attempts = s.get("attempts").asInt();
                if (s.get("state").asText().equals("completed") && called > attempts) {
                    rerunCompleted.add(key + " called " + called + " times, its job used " + attempts + " attempts");
                }
                assertThat(called).as("%s was called", key).isPositive();
            }
            assertThat(done).as("run %d's output", r).isNotNull();
            for (int i = 0; i < BRANCHES; i++) {
                long n = r + i;
                assertThat(done.get("squares").get(i).get("body").asText()).isEqualTo(Long.toString(n * n));
            }
            assertThat(done.get("check").asText()).as("gather answered 20 squared, check squared that")
                    .isEqualTo(Long.toString(400L * 400L));
        }
        assertThat(rerunCompleted).as("no step ran again once its output was checkpointed").isEmpty();
        long reruns = calls.values().stream().filter(c -> c.get() > 1).count();
        System.out.printf("%d step instances ran more than once (in flight at the kill)%n", reruns);
    }

    private static String state(FleetApi api, String run) {
        try {
            return api.get("/api/v1/runs/" + run).get("state").asText();
        } catch (Exception e) {
            return "unknown";
        }
    }
}
