package io.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.core.json.Json;
import io.bulwark.jobs.store.InMemoryJobStore;
import io.bulwark.server.BulwarkServer;
import io.bulwark.server.internal.jobs.QueuePersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class JobsCommandsTest {

    @TempDir
    Path dir;

    private BulwarkServer server;
    private Map<String, String> env;

    @BeforeEach
    void start() {
        var config = CliServers.config(dir, Map.of("jobs.pollInterval", "50ms"));
        server = BulwarkServer.builder(config).jobStore(new InMemoryJobStore(InstantSource.system()), QueuePersistence.none())
                .build().start();
        env = Map.of("BULWARK_URL", server.uri().toString());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private JsonNode json(CliRun r) throws Exception {
        assertThat(r.exit()).as(r.err()).isZero();
        return Json.mapper().readTree(r.out());
    }

    @Test
    void enqueueWaitGetAndList() throws Exception {
        JsonNode job = json(CliRun.run(env, "jobs", "enqueue", "--type", "builtin.echo", "--queue", "cli",
                "--payload", "{\"x\":1}", "-o", "json"));
        String id = job.get("id").asText();
        CliRun waited = CliRun.run(env, "jobs", "wait", id, "--timeout", "10s");
        assertThat(waited.exit()).as(waited.err()).isZero();
        assertThat(waited.out()).contains("completed").contains("result: {\"x\":1}");
        assertThat(CliRun.run(env, "jobs", "get", id).out()).contains("history:").contains("available -> running");
        assertThat(CliRun.run(env, "jobs", "list", "--queue", "cli").out()).contains(id);
        assertThat(CliRun.run(env, "jobs", "list", "--queue", "cli", "--since", "1h").out()).contains(id);
        assertThat(CliRun.run(env, "jobs", "list", "--queue", "cli", "--until", "1h").out()).doesNotContain(id);
        assertThat(CliRun.run(env, "jobs", "list", "--tag", "no-such-tag").out()).doesNotContain(id);
        CliRun bad = CliRun.run(env, "jobs", "list", "--since", "yesterday");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("since").contains("ISO-8601");
    }

    @Test
    void aJobThatWaitsPastItsDeadlineExpiresAndWaitSaysSo() throws Exception {
        assertThat(CliRun.run(env, "queues", "set", "late", "--discard-after", "50ms").exit()).isZero();
        assertThat(CliRun.run(env, "queues", "pause", "late").exit()).isZero();
        String byQueue = json(CliRun.run(env, "jobs", "enqueue", "--type", "builtin.noop", "--queue", "late",
                "-o", "json")).get("id").asText();
        String own = json(CliRun.run(env, "jobs", "enqueue", "--type", "builtin.noop", "--queue", "late",
                "--expires-at", java.time.Instant.now().plusMillis(100).toString(), "-o", "json")).get("id").asText();

        CliRun waited = CliRun.run(env, "jobs", "wait", byQueue, "--timeout", "10s");
        assertThat(waited.exit()).as(waited.err()).isEqualTo(1);
        assertThat(waited.out() + waited.err()).contains("expired");
        assertThat(CliRun.run(env, "jobs", "wait", own, "--timeout", "10s").exit()).isEqualTo(1);
        assertThat(CliRun.run(env, "jobs", "list", "--state", "expired").out()).contains(byQueue).contains(own);
        assertThat(json(CliRun.run(env, "queues", "show", "late", "-o", "json")).path("counts").path("expired").asLong())
                .isEqualTo(2);

        CliRun bad = CliRun.run(env, "jobs", "enqueue", "--type", "builtin.noop", "--expires-at", "tomorrow");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("--expires-at must be an ISO-8601 instant");
        CliRun zero = CliRun.run(env, "jobs", "enqueue", "--type", "builtin.noop", "--discard-after", "0s");
        assertThat(zero.exit()).isEqualTo(2);
        assertThat(zero.err()).contains("discardAfter");
        assertThat(CliRun.run(env, "queues", "set", "late", "--discard-after", "never").exit()).isZero();
    }

    @Test
    void aJobThatDiesMakesWaitExitOneAndTheDlqRetriesAndPurgesIt() throws Exception {
        String id = json(CliRun.run(env, "jobs", "enqueue", "--type", "builtin.fail", "--queue", "d",
                "--payload", "{\"times\":9}", "--max-attempts", "1", "-o", "json")).get("id").asText();
        CliRun waited = CliRun.run(env, "jobs", "wait", id, "--timeout", "10s");
        assertThat(waited.exit()).isEqualTo(1);
        assertThat(CliRun.run(env, "dlq", "list", "d").out()).contains(id).contains("fails on purpose");
        assertThat(CliRun.run(env, "dlq", "retry", "d", id).out()).contains("Retried 1");
        assertThat(CliRun.run(env, "jobs", "wait", id, "--timeout", "10s").exit()).isEqualTo(1);
        assertThat(CliRun.run(env, "dlq", "purge", "d").out()).contains("Purged 1");
    }

    @Test
    void waitPrintsEachFailedAttemptAndAPlainLinePerChangeWhenNotOnATerminal() throws Exception {
        String id = json(CliRun.run(env, "jobs", "enqueue", "--type", "builtin.fail", "--queue", "w",
                "--payload", "{\"times\":1}", "--max-attempts", "3", "-o", "json")).get("id").asText();
        CliRun waited = CliRun.run(env, "jobs", "wait", id, "--timeout", "20s");
        assertThat(waited.exit()).as(waited.err()).isZero();
        assertThat(waited.err()).contains(id + "  attempt 1 of 3 failed: ").contains("fails on purpose")
                .doesNotContain("\r").contains(id + "  completed  attempt 2/3");
        assertThat(waited.err().lines().filter(l -> l.contains("completed"))).as("one line per change").hasSize(1);

        String dead = json(CliRun.run(env, "jobs", "enqueue", "--type", "builtin.fail", "--queue", "w",
                "--payload", "{\"times\":9}", "--max-attempts", "1", "-o", "json")).get("id").asText();
        CliRun died = CliRun.run(env, "jobs", "wait", dead, "--timeout", "20s");
        assertThat(died.exit()).isEqualTo(1);
        assertThat(died.err()).contains(dead + "  attempt 1 of 1 failed: ").contains("no attempts left");
    }

    @Test
    void queuesCanBeListedPausedResumedAndSet() throws Exception {
        assertThat(CliRun.run(env, "queues", "pause", "p").exit()).isZero();
        CliRun.run(env, "jobs", "enqueue", "--type", "builtin.noop", "--queue", "p");
        JsonNode shown = json(CliRun.run(env, "queues", "show", "p", "-o", "json"));
        assertThat(shown.get("paused").asBoolean()).isTrue();
        assertThat(shown.get("counts").get("available").asLong()).isEqualTo(1);
        assertThat(CliRun.run(env, "queues", "list").out()).containsPattern("p\\s+1\\s+0").contains("PERSECOND").contains("COUNTSAGESECONDS");
        assertThat(CliRun.run(env, "queues", "resume", "p").exit()).isZero();
        JsonNode set = json(CliRun.run(env, "queues", "set", "p", "--concurrency", "3", "--max-size", "100", "-o", "json"));
        assertThat(set.get("settings").get("concurrency").asInt()).isEqualTo(3);
        CliRun bad = CliRun.run(env, "queues", "set", "p", "--concurrency", "0");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("concurrency: expected an integer from 1 to 10000 but was 0");
        assertThat(CliRun.run(env, "queues", "set", "p").exit()).isEqualTo(2);
    }

    @Test
    void badJobInputExitsTwoWithEachField() {
        CliRun r = CliRun.run(env, "jobs", "enqueue", "--type", "nope", "--priority", "11");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("type: no handler is registered for 'nope'").contains("priority: expected an integer from 0 to 9");
        CliRun bad = CliRun.run(env, "jobs", "enqueue", "--type", "builtin.noop", "--payload", "{oops");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).as("a plain sentence: where and what, no parser internals")
                .contains("--payload is not valid JSON at line 1, column 2: Unexpected character")
                .doesNotContain("REDACTED").doesNotContain("StreamReadFeature").doesNotContain("Source:");
    }
}
