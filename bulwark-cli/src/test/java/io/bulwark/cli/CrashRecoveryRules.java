package io.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bulwark.core.json.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Durability of {@code bulwark serve} as a child process, whatever its store: 5,000 jobs, a fault
 * mid-run (the subclass's), then every acknowledged job reaches a final state, none is lost, jobs
 * run twice are at most those in flight at the fault (bounded by the node's claim batch) and are
 * counted, and {@code builtin.fail} jobs end as their payloads say.
 */
abstract class CrashRecoveryRules {

    static final int JOBS = 5000;
    static final int CONCURRENCY = 32;
    /**
     * The node's claim batch: a queue whose jobs end sooner than a store call claims ahead of its
     * concurrency, up to a batch, so a node holds at most this many jobs (never fewer than its
     * concurrency). The jobs here mostly sleep, so it rarely claims ahead; the bound allows for it.
     */
    static final int CLAIM_BATCH = 48;
    private static final Pattern READY = Pattern.compile("ready on (http://\\S+)");

    /** What a job should end as. */
    record Expect(String type, String state, int attemptsAtLeast) {
    }

    @TempDir
    Path dataDir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    final List<Process> children = new ArrayList<>();
    /** Every line the children printed, in order. */
    final List<String> log = java.util.Collections.synchronizedList(new ArrayList<>());

    /** The flags that name the store, beside {@code --data-dir}. */
    abstract List<String> storeArgs();

    @AfterEach
    void kill() {
        children.forEach(Process::destroyForcibly);
    }

    /** Starts {@code bulwark serve} as a child process; returns its base URL once it is ready. */
    String start() throws IOException {
        List<String> cmd = ChildJvm.bulwark("serve", "--port", "0",
                "--data-dir", dataDir.toString(), "--jobs.lease=5s", "--jobs.pollInterval=50ms", "--log.access=false",
                "--jobs.queues.default.concurrency=" + CONCURRENCY, "--jobs.claimBatch=" + CLAIM_BATCH);
        cmd.addAll(storeArgs());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        children.add(p);
        CompletableFuture<String> base = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    log.add(line);
                    Matcher m = READY.matcher(line);
                    if (m.find()) {
                        base.complete(m.group(1));
                    }
                }
            } catch (IOException e) {
                // the child was killed
            }
            base.completeExceptionally(new IllegalStateException("the server exited before it was ready"));
        });
        return base.orTimeout(60, TimeUnit.SECONDS).join();
    }

    private JsonNode call(String method, String url, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("%s %s: %s", method, url, r.body()).isBetween(200, 299);
        return Json.mapper().readTree(r.body());
    }

    /** The status of {@code GET /health/ready}; 0 when the node does not answer. */
    int ready(String base) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(base + "/health/ready")).timeout(Duration.ofSeconds(5))
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    long count(String base, String state) throws Exception {
        return call("GET", base + "/api/v1/queues/default", null).get("counts").get(state).asLong();
    }

    /** Enqueues {@link #JOBS} jobs in batches of 500: mostly short sleeps, some that fail then succeed, some that die. */
    Map<String, Expect> enqueueAll(String base) throws Exception {
        SplittableRandom random = new SplittableRandom(20261123);
        Map<String, Expect> expected = new HashMap<>();
        for (int batch = 0; batch < JOBS / 500; batch++) {
            ObjectNode body = Json.mapper().createObjectNode();
            ArrayNode jobs = body.putArray("jobs");
            List<Expect> kinds = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                ObjectNode job = jobs.addObject();
                int kind = random.nextInt(10);
                if (kind < 7) {
                    job.put("type", "builtin.sleep").putObject("payload").put("ms", 5 + random.nextInt(30));
                    kinds.add(new Expect("sleep", "completed", 1));
                } else if (kind < 9) {
                    int times = random.nextInt(3);
                    job.put("type", "builtin.fail").put("maxAttempts", times + 2).putObject("payload").put("times", times);
                    fastRetries(job);
                    kinds.add(new Expect("fail-then-succeed", "completed", times + 1));
                } else {
                    int max = 1 + random.nextInt(3);
                    job.put("type", "builtin.fail").put("maxAttempts", max).putObject("payload").put("times", 99);
                    fastRetries(job);
                    kinds.add(new Expect("always-fail", "dead", 1));
                }
            }
            JsonNode created = call("POST", base + "/api/v1/jobs/batch", Json.mapper().writeValueAsString(body));
            for (int i = 0; i < 500; i++) {
                expected.put(created.get("jobs").get(i).get("id").asText(), kinds.get(i));
            }
        }
        assertThat(expected).hasSize(JOBS);
        return expected;
    }

    /**
     * Waits until every job is final, then checks each against what it should be: none lost, an
     * extra attempt only where a lease expired, at most {@link #CLAIM_BATCH} such, each counted.
     */
    void verifyAllFinal(String base, Map<String, Expect> expected) throws Exception {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> {
            JsonNode c = call("GET", base + "/api/v1/queues/default", null).get("counts");
            return c.get("completed").asLong() + c.get("dead").asLong() == JOBS;
        });

        Map<String, JsonNode> seen = new HashMap<>();
        String cursor = null;
        do {
            JsonNode page = call("GET", base + "/api/v1/jobs?limit=500" + (cursor == null ? "" : "&cursor=" + cursor), null);
            page.get("items").forEach(j -> seen.put(j.get("id").asText(), j));
            cursor = page.hasNonNull("nextCursor") ? page.get("nextCursor").asText() : null;
        } while (cursor != null);
        assertThat(seen.keySet()).as("no acknowledged job is lost").containsAll(expected.keySet());

        int rescued = 0;
        for (Map.Entry<String, Expect> e : expected.entrySet()) {
            JsonNode job = seen.get(e.getKey());
            Expect want = e.getValue();
            assertThat(job.get("state").asText()).as("%s %s", want.type(), e.getKey()).isEqualTo(want.state());
            assertThat(job.get("attempt").asInt()).isGreaterThanOrEqualTo(want.attemptsAtLeast());
            if (want.state().equals("completed") && job.get("attempt").asInt() > want.attemptsAtLeast()) {
                JsonNode full = call("GET", base + "/api/v1/jobs/" + e.getKey(), null);
                boolean lost = false;
                for (JsonNode h : full.get("history")) {
                    lost |= h.get("reason").asText().startsWith("lease expired");
                }
                assertThat(lost).as("an extra attempt of %s only comes from the fault", e.getKey()).isTrue();
                rescued++;
            }
            if (want.type().equals("fail-then-succeed")) {
                assertThat(job.get("result").get("attempts").asInt()).isEqualTo(job.get("attempt").asInt());
            }
        }
        System.out.printf("%s: %d jobs ran twice (rescued after the fault)%n", getClass().getSimpleName(), rescued);
        assertThat(rescued).as("jobs run twice are at most those in flight at the fault").isLessThanOrEqualTo(CLAIM_BATCH);
        String metrics = new String(http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofByteArray()).body(), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("bulwark_jobs_rescued_total\\{cause=\"lease_expired\",queue=\"default\"} (\\S+)").matcher(metrics);
        long counted = m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
        assertThat(counted).as("every rescue is counted").isGreaterThanOrEqualTo(rescued).isLessThanOrEqualTo(CLAIM_BATCH);
    }

    /** The kill -9 scenario every store must survive: the node dies mid-run and a new one takes over. */
    void killNineAndRestart() throws Exception {
        String base = start();
        Map<String, Expect> expected = enqueueAll(base);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> count(base, "completed") >= 1000);
        Process first = children.get(0);
        first.destroyForcibly(); // SIGKILL: no drain, no shutdown hook
        assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
        verifyAllFinal(start(), expected);
    }

    private static void fastRetries(ObjectNode job) {
        job.putObject("backoff").put("base", "1ms").put("factor", 1.0).put("cap", "5ms");
    }
}
