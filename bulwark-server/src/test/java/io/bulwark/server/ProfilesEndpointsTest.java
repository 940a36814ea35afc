package io.bulwark.server;

import com.fasterxml.jackson.databind.JsonNode;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** JFR profiles over the API: a busy server's hot method named, the recording downloadable, bad input refused. */
class ProfilesEndpointsTest {

    @TempDir
    Path dir;

    /** A plugin jar that lists {@link SlowHandlerPlugin}, loaded the way a user's plugin is. */
    private Path pluginDir() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        try (OutputStream out = Files.newOutputStream(plugins.resolve("slow.jar")); JarOutputStream jar = new JarOutputStream(out)) {
            jar.putNextEntry(new JarEntry("META-INF/services/io.bulwark.jobs.HandlerPlugin"));
            jar.write(SlowHandlerPlugin.class.getName().getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
        }
        return plugins;
    }

    @Test
    void aProfileOfABusyServerNamesTheHotMethodAndItsRecordingCanBeDownloaded() throws Exception {
        Map<String, String> flags = Map.of("jobs.pluginsDir", pluginDir().toString(), "jobs.concurrency", "2");
        try (BulwarkServer server = BulwarkServer.builder(TestServers.config(dir, flags)).configuredStore().build().start()) {
            Http http = new Http(server.uri());
            Http.Response started = http.send("POST", "/api/v1/profiles", "{\"duration\":\"4s\"}", Map.of());
            assertThat(started.status()).as(started.body()).isEqualTo(202);
            String id = started.json().path("id").asText();
            assertThat(started.json().path("results").get(0).path("status").asText()).isEqualTo("recording");

            for (int i = 0; i < 12; i++) { // 2.4 s of CPU, 1.2 s on two workers, within the recording
                assertThat(http.send("POST", "/api/v1/jobs", "{\"type\":\"test.slow\"}", Map.of()).status()).isEqualTo(201);
            }
            Http.Response busy = http.send("POST", "/api/v1/profiles", "{\"duration\":\"1s\"}", Map.of());
            assertThat(busy.status()).isEqualTo(409);
            assertThat(busy.body()).contains("is recording on this node");

            await().atMost(Duration.ofSeconds(20)).until(() ->
                    http.get("/api/v1/profiles/" + id).json().path("results").get(0).path("status").asText().equals("done"));
            JsonNode result = http.get("/api/v1/profiles/" + id).json().path("results").get(0);
            JsonNode cpu = result.path("summary").path("cpu");
            assertThat(cpu.path("samples").asLong()).isPositive();
            List<String> hot = new ArrayList<>();
            cpu.path("topTotal").forEach(f -> hot.add(f.path("frame").asText() + " " + f.path("percent").asDouble()));
            assertThat(hot).as("the methods on the stacks sampled").anySatisfy(f ->
                    assertThat(f).startsWith(SlowHandlerPlugin.class.getName() + ".deliberatelySlowHandler "));
            double share = 0;
            for (JsonNode f : cpu.path("topTotal")) {
                if (f.path("frame").asText().endsWith(".deliberatelySlowHandler")) {
                    share = f.path("percent").asDouble();
                }
            }
            assertThat(share).as("most of the samples are in it").isGreaterThan(30);
            assertThat(result.path("summary").path("gc").has("collections")).isTrue();
            assertThat(result.path("summary").path("allocation").path("topTypes").isArray()).isTrue();
            assertThat(http.get("/api/v1/profiles").json().path("profiles").get(0).path("id").asText()).isEqualTo(id);

            Path file = dir.resolve("downloaded.jfr");
            java.net.http.HttpResponse<Path> jfr = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
                    .newBuilder(server.uri().resolve("/api/v1/profiles/" + id + "/jfr")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofFile(file));
            assertThat(jfr.statusCode()).isEqualTo(200);
            assertThat(jfr.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
            List<String> types = new ArrayList<>();
            for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
                types.add(e.getEventType().getName());
            }
            assertThat(types).contains("jdk.ExecutionSample")
                    .as("no environment, system properties or command line").doesNotContain(
                            "jdk.InitialEnvironmentVariable", "jdk.InitialSystemProperty", "jdk.JVMInformation");
            assertThat(http.get("/metrics").body()).contains("bulwark_profiles_total{outcome=\"done\"} 1.0");
        }
    }

    @Test
    void badRequestsNameTheFieldAndUnknownProfilesAre404() {
        try (BulwarkServer server = BulwarkServer.builder(TestServers.config(dir, Map.of("profiles.maxDuration", "1m")))
                .configuredStore().build().start()) {
            Http http = new Http(server.uri());
            Http.Response bad = http.send("POST", "/api/v1/profiles", "{\"duration\":\"2m\",\"nodes\":\"some\"}", Map.of());
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.body()).contains("duration").contains("from 1s to 1m").contains("nodes").contains("this or all");
            assertThat(http.send("POST", "/api/v1/profiles", "{\"duration\":\"soon\"}", Map.of()).body())
                    .contains("a duration such as");
            assertThat(http.get("/api/v1/profiles").json().path("profiles").size()).as("nothing was started").isZero();
            assertThat(http.get("/api/v1/profiles/0b0e0f7a-1c2d-4e5f-8a9b-0c1d2e3f4a5b").status()).isEqualTo(404);
            assertThat(http.get("/api/v1/profiles/../../etc/jfr").status()).isEqualTo(404);
            assertThat(http.get("/api/v1/profiles/0b0e0f7a-1c2d-4e5f-8a9b-0c1d2e3f4a5b/jfr").body())
                    .contains("no recording of profile");
        }
    }
}
