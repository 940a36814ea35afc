package io.bulwark.cli.dev;

import io.bulwark.core.config.ConfigInputs;
import io.bulwark.core.config.ConfigLoader;
import io.bulwark.server.BulwarkServer;
import io.bulwark.server.ServerKeys;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code bulwark dev train}: a short, typical workload in this JVM, so that the launcher can record
 * an ahead-of-time cache from it (JDK 25, {@code -XX:AOTCacheOutput}): a server on the embedded
 * store in a temporary directory, on a free loopback port, answering the usual reads, enqueueing
 * and running jobs, then stopping as {@code serve} stops. The classes it loads and links, and the
 * method profiles it gathers, are what the cache holds; a later {@code serve} starts with them.
 */
@Command(name = "train", hidden = true, mixinStandardHelpOptions = true,
        description = "Run a short workload (a server on a temporary directory) for the launcher's AOT cache.")
final class TrainCommand implements Callable<Integer> {

    private static final int ROUNDS = 30;

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("bulwark-train");
        try {
            Map<String, String> flags = Map.of("server.port", "0", "server.host", "127.0.0.1", "data.dir", dir.toString(),
                    "log.access", "false", "jobs.pollInterval", "50ms");
            try (BulwarkServer server = BulwarkServer.builder(ConfigLoader.load(ServerKeys.schema(),
                    new ConfigInputs(Optional.empty(), dir, Map.of(), flags, Optional.empty()))).configuredStore().build()
                    .start()) {
                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
                String base = server.uri().toString();
                for (int i = 0; i < ROUNDS; i++) {
                    for (String path : new String[]{"/health/ready", "/health", "/api/v1/server", "/api/v1/queues",
                            "/api/v1/jobs?limit=10", "/metrics"}) {
                        get(http, base + path);
                    }
                    post(http, base + "/api/v1/jobs", "{\"type\":\"builtin.noop\",\"queue\":\"train\"}");
                }
                get(http, base + "/api/v1/openapi.json");
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (System.nanoTime() < deadline && !get(http, base + "/api/v1/queues/train").contains("\"available\":0")) {
                    Thread.sleep(50);
                }
            }
            return 0;
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temporary directory left behind is harmless
            }
        }
    }

    private static String get(HttpClient http, String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static void post(HttpClient http, String url, String json) throws IOException, InterruptedException {
        http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.discarding());
    }
}
