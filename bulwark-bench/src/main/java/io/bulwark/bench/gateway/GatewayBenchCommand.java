package io.bulwark.bench.gateway;

import com.sun.net.httpserver.HttpServer;
import io.bulwark.bench.Machine;
import io.bulwark.core.config.ConfigInputs;
import io.bulwark.core.config.ConfigLoader;
import io.bulwark.server.BulwarkServer;
import io.bulwark.server.ServerKeys;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;

/**
 * The provider gateway's added latency: the same local upstream called directly and through
 * {@code POST /api/v1/providers/{group}/call} (breaker, retry, bulkhead, timeout, degradation
 * checks, header forwarding), one request at a time, the two interleaved so that both see the
 * same machine. Reports p50 / p90 / p99 of each and the difference, and of {@code GET /health/live}
 * on the same server: Bulwark's HTTP floor, the part of the gateway's time that is the hop itself.
 *
 * <pre>{@code
 * scripts/bench.sh gateway --requests 20000
 * }</pre>
 */
@Command(name = "gateway", mixinStandardHelpOptions = true,
        description = "Added latency of the provider gateway over a direct call to the same local server.")
public final class GatewayBenchCommand implements Callable<Integer> {

    @Option(names = "--requests", defaultValue = "10000", description = "Measured requests of each kind (default ${DEFAULT-VALUE}).")
    int requests;

    @Option(names = "--warmup", defaultValue = "3000", description = "Unmeasured requests of each kind first (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--body-bytes", defaultValue = "512", description = "Size of the request and response bodies (default ${DEFAULT-VALUE}).")
    int bodyBytes;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        io.bulwark.server.logging.LogSetup.configure("text", "WARN");
        byte[] answer = ("{\"answer\":\"" + "x".repeat(Math.max(0, bodyBytes - 13)) + "\"}").getBytes(StandardCharsets.UTF_8);
        String body = "{\"prompt\":\"" + "y".repeat(Math.max(0, bodyBytes - 13)) + "\"}";
        HttpServer upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        upstream.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        upstream.start();
        Path dataDir = Files.createTempDirectory("bulwark-gateway-bench");
        URI direct = URI.create("http://127.0.0.1:" + upstream.getAddress().getPort() + "/v1/chat");
        var config = ConfigLoader.load(ServerKeys.schema(), new ConfigInputs(Optional.empty(), dataDir, Map.of(),
                Map.of("server.port", "0", "data.dir", dataDir.toString(), "log.access", "false", "log.level", "WARN",
                        "providers.up.group", "bench", "providers.up.baseUrl",
                        "http://127.0.0.1:" + upstream.getAddress().getPort()), Optional.empty()));
        PrintWriter out = spec.commandLine().getOut();
        try (BulwarkServer server = BulwarkServer.builder(config).configuredStore().build().start()) {
            URI gateway = server.uri().resolve("/api/v1/providers/bench/call?path=/v1/chat");
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            URI live = server.uri().resolve("/health/live");
            Histogram directTimes = new Histogram(3_600_000_000L, 3);
            Histogram gatewayTimes = new Histogram(3_600_000_000L, 3);
            Histogram liveTimes = new Histogram(3_600_000_000L, 3);
            out.println("warming up: " + warmup + " requests of each kind");
            out.flush();
            run(client, direct, gateway, live, body, warmup, null, null, null);
            out.println("measuring: " + requests + " requests of each kind, interleaved, one at a time");
            out.flush();
            run(client, direct, gateway, live, body, requests, directTimes, gatewayTimes, liveTimes);
            out.println();
            out.println("machine: " + Machine.current().describe());
            out.printf("%-10s %10s %10s %10s %10s%n", "µs", "p50", "p90", "p99", "max");
            line(out, "direct", directTimes);
            line(out, "gateway", gatewayTimes);
            line(out, "live", liveTimes);
            out.printf("%-10s %10.0f %10.0f %10.0f%n", "added", added(directTimes, gatewayTimes, 50),
                    added(directTimes, gatewayTimes, 90), added(directTimes, gatewayTimes, 99));
            out.flush();
        } finally {
            upstream.stop(0);
        }
        return 0;
    }

    private static void run(HttpClient client, URI direct, URI gateway, URI live, String body, int n, Histogram d,
                            Histogram g, Histogram l) throws IOException, InterruptedException {
        HttpRequest toLive = HttpRequest.newBuilder(live).GET().build();
        HttpRequest toDirect = HttpRequest.newBuilder(direct).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").build();
        HttpRequest toGateway = HttpRequest.newBuilder(gateway).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").build();
        for (int i = 0; i < n; i++) {
            time(client, toDirect, d);
            time(client, toGateway, g);
            time(client, toLive, l);
        }
    }

    private static void time(HttpClient client, HttpRequest request, Histogram h) throws IOException, InterruptedException {
        long start = System.nanoTime();
        HttpResponse<byte[]> r = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        long micros = (System.nanoTime() - start) / 1_000;
        if (r.statusCode() != 200) {
            throw new IllegalStateException(request.uri() + " answered " + r.statusCode() + ": "
                    + new String(r.body(), StandardCharsets.UTF_8));
        }
        if (h != null) {
            h.recordValue(Math.max(1, micros));
        }
    }

    private static void line(PrintWriter out, String name, Histogram h) {
        out.printf("%-10s %10d %10d %10d %10d%n", name, h.getValueAtPercentile(50), h.getValueAtPercentile(90),
                h.getValueAtPercentile(99), h.getMaxValue());
    }

    private static double added(Histogram direct, Histogram gateway, double p) {
        return gateway.getValueAtPercentile(p) - direct.getValueAtPercentile(p);
    }
}
