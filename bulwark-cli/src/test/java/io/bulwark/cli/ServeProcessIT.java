package io.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Runs the packaged {@code bulwark.jar} as a child process, as a user or an orchestrator would. */
class ServeProcessIT {

    private static final Pattern READY = Pattern.compile("ready on (http://[^ ]+)");

    @TempDir
    Path dataDir;

    private final List<Process> children = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @AfterEach
    void killChildren() {
        children.forEach(Process::destroyForcibly);
    }

    private Process start(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-jar", Path.of("target", "bulwark.jar").toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        children.add(p);
        return p;
    }

    /** A child's output, read on a virtual thread so the child never blocks on a full pipe. */
    private record Captured(List<String> lines, Thread reader) {
        /** Waits (bounded) until the stream ended, then returns every line. */
        List<String> all() throws InterruptedException {
            assertThat(reader.join(Duration.ofSeconds(10))).as("output stream closed").isTrue();
            return lines;
        }
    }

    private static Captured drain(java.io.InputStream in) {
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the child exited
            }
        });
        return new Captured(lines, reader);
    }

    /** The message of a JSON log line. */
    private static String message(String line) {
        try {
            return Json.mapper().readTree(line).path("message").asText();
        } catch (IOException e) {
            return line;
        }
    }

    private int status(URI uri) {
        try {
            return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    @Test
    void sigtermFlipsReadinessThenDrainsAndExitsZero() throws Exception {
        Process p = start("serve", "--port", "0", "--data-dir", dataDir.toString(),
                "--server.shutdown.drainDelay=2s", "--log-format", "json");
        Captured stdout = drain(p.getInputStream());
        Captured stderr = drain(p.getErrorStream());
        String base = await().atMost(Duration.ofSeconds(30)).until(() -> stdout.lines().stream().map(ServeProcessIT::message)
                .map(READY::matcher).filter(Matcher::find).map(m -> m.group(1)).findFirst().orElse(null), b -> b != null);
        URI ready = URI.create(base + "/health/ready");
        await().atMost(Duration.ofSeconds(10)).until(() -> status(ready) == 200);
        assertThat(status(URI.create(base + "/health/live"))).isEqualTo(200);

        // SIGTERM. Process.destroy() would also close our end of the pipes and lose the last lines.
        assertThat(p.toHandle().destroy()).isTrue();
        await().atMost(Duration.ofSeconds(2)).until(() -> status(ready) == 503);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("exits after the drain").isTrue();
        assertThat(p.exitValue()).as("stderr: %s", stderr.lines()).isZero();
        List<String> out = stdout.all();

        // --log-format json: every line is one JSON object, and request lines carry the request id.
        assertThat(out).isNotEmpty();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : out) {
            lines.add(Json.mapper().readTree(line));
        }
        assertThat(lines).allSatisfy(l -> {
            assertThat(l.has("level") && l.has("message") && l.has("logger_name")).isTrue();
            assertThat(l.path("@timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        });
        assertThat(lines).anySatisfy(l -> {
            assertThat(l.path("logger_name").asText()).isEqualTo("io.bulwark.access");
            assertThat(l.path("requestId").asText()).isNotBlank();
        });
        assertThat(lines).anySatisfy(l -> assertThat(l.path("message").asText()).contains("Received SIGTERM"));
        assertThat(out).noneMatch(l -> l.contains("MeterFilter"));
    }

    @Test
    void refusesAPublicBindWithoutKeysWithExitTwo() throws Exception {
        Process p = start("serve", "--host", "0.0.0.0", "--port", "0", "--data-dir", dataDir.toString());
        Captured err = drain(p.getErrorStream());
        drain(p.getInputStream());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(String.join("\n", err.all())).contains("refusing to bind to 0.0.0.0");
    }

    @Test
    void invalidConfigStopsStartupWithExitTwoListingEveryProblem() throws Exception {
        Process p = start("serve", "--data-dir", dataDir.toString(), "--server.port=http", "--server.shutdown.grace=-1s",
                "--unknown.key=1");
        Captured err = drain(p.getErrorStream());
        drain(p.getInputStream());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(String.join("\n", err.all())).contains("Invalid configuration (3 problems)")
                .contains("server.port").contains("server.shutdown.grace").contains("unknown.key");
    }
}
