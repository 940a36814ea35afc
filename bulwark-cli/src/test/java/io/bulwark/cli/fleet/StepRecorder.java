package io.bulwark.cli.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The far end of the crash tests' pipeline: a local HTTP server that its {@code http} steps call.
 * It counts the calls per step instance of each run (by path and query), answers 50 ms later with
 * the number in the body squared. With it, {@link #checkRuns} proves that every run completed
 * with the outputs a crash-free run gives, and that no step ran again once its output was
 * checkpointed: an instance called more often than its job had attempts was run twice.
 *
 * <p>The pipeline, {@code crash}: {@code start} → {@code fan} (one branch per input item, 5 at a
 * time) → {@code gather} (the number of branches) → {@code check} (gather's answer) →
 * {@code report} → {@code done} ({@code builtin.echo} of the branches' answers and check's).
 */
final class StepRecorder implements AutoCloseable {

    /** Branches of the fan-out step. */
    static final int BRANCHES = 20;

    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final HttpServer server;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final String url;

    StepRecorder() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/step", exchange -> {
            String key = exchange.getRequestURI().getPath() + "?" + exchange.getRequestURI().getQuery();
            calls.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            // Bodies are "v=<number>": a template of text and an expression is always text.
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).strip();
            long n = Long.parseLong(body.substring(body.indexOf('=') + 1));
            byte[] answer = Long.toString(n * n).getBytes(StandardCharsets.UTF_8);
            // Each step takes 50 ms: the answer is sent by a timer, so no thread waits for it.
            timer.schedule(() -> {
                try (exchange) {
                    exchange.sendResponseHeaders(200, answer.length);
                    exchange.getResponseBody().write(answer);
                } catch (IOException e) {
                    // the step's job gave up on the call (its node was killed): nothing to answer
                }
            }, 50, TimeUnit.MILLISECONDS);
        });
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort() + "/step";
    }

    /** The {@code crash} pipeline's definition, its steps calling this recorder. */
    String pipeline() {
        String q = "?run=${input.run}";
        return "{\"id\":\"crash\",\"steps\":["
                + step("start", null, url + "/start" + q, "${input.run}", "") + ","
                + step("fan", "start", url + "/fan" + q + "&i=${index}", "${item}",
                ",\"forEach\":\"${input.items}\",\"parallelism\":5") + ","
                + step("gather", "fan", url + "/gather" + q, "${size(steps.fan.output)}", "") + ","
                + step("check", "gather", url + "/check" + q, "${steps.gather.output.body}", "") + ","
                + step("report", "check", url + "/report" + q, "${input.run}", "") + ","
                + "{\"id\":\"done\",\"type\":\"builtin.echo\",\"after\":[\"report\"],\"input\":{\"run\":\"${input.run}\","
                + "\"squares\":\"${steps.fan.output}\",\"check\":\"${steps.check.output.body}\"}}]}";
    }

    private static String step(String id, String after, String url, String body, String extra) {
        return "{\"id\":\"" + id + "\",\"type\":\"http\"" + (after == null ? "" : ",\"after\":[\"" + after + "\"]") + extra
                + ",\"input\":{\"method\":\"POST\",\"url\":\"" + url + "\",\"body\":\"v=" + body + "\"}}";
    }

    /** The body of {@code POST /api/v1/pipelines/crash/runs} for run number {@code r}: items r .. r+19. */
    static String runInput(int r) {
        StringBuilder items = new StringBuilder();
        for (int i = 0; i < BRANCHES; i++) {
            items.append(i == 0 ? "" : ",").append(r + i);
        }
        return "{\"input\":{\"run\":" + r + ",\"items\":[" + items + "]}}";
    }

    /** How many calls of step {@code step} were made, over all runs. */
    long called(String step) {
        return calls.keySet().stream().filter(k -> k.startsWith("/step/" + step + "?")).count();
    }

    /** Step instances called more than once: in flight at a fault, run again after their rescue. */
    long reruns() {
        return calls.values().stream().filter(c -> c.get() > 1).count();
    }

    /**
     * Checks each run ({@code runs.get(r)} is run number r): completed, every http step called,
     * the outputs right, and no completed step called more often than its job had attempts.
     */
    void checkRuns(FleetApi api, List<String> runs) throws Exception {
        List<String> rerunCompleted = new ArrayList<>();
        for (int r = 0; r < runs.size(); r++) {
            JsonNode run = api.get("/api/v1/runs/" + runs.get(r));
            assertThat(run.get("state").asText()).as("run %d: %s", r, run).isEqualTo("completed");
            JsonNode done = null;
            for (JsonNode s : run.get("steps")) {
                String id = s.get("id").asText();
                if (id.equals("done")) {
                    done = s.get("output");
                    continue;
                }
                String key = "/step/" + id + "?run=" + r + (s.hasNonNull("index") ? "&i=" + s.get("index").asInt() : "");
                int n = calls.getOrDefault(key, new AtomicInteger()).get();
                int attempts = s.get("attempts").asInt();
                assertThat(n).as("%s was called", key).isPositive();
                if (n > attempts) {
                    rerunCompleted.add(key + " called " + n + " times, its job used " + attempts + " attempts");
                }
            }
            assertThat(done).as("run %d's output", r).isNotNull();
            for (int i = 0; i < BRANCHES; i++) {
                long v = r + i;
                assertThat(done.get("squares").get(i).get("body").asText()).isEqualTo(Long.toString(v * v));
            }
            assertThat(done.get("check").asText()).as("gather answered 20 squared, check squared that")
                    .isEqualTo(Long.toString(400L * 400L));
        }
        assertThat(rerunCompleted).as("no step ran again once its output was checkpointed").isEmpty();
    }

    @Override
    public void close() {
        server.stop(0);
        timer.shutdownNow();
    }
}
