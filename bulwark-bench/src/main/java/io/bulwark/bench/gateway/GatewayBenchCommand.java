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
 * Streamed answers too: an upstream route answering {@code --stream-chunks} server-sent events, each
 * flushed, timed to the first event (time to first byte) and to the end, directly and through the
 * gateway, interleaved with the rest. With nginx installed (Debian's), the same upstream is also called through a plain nginx reverse
 * proxy, interleaved with the rest, and then both are driven at saturation by {@code --clients}
 * concurrent callers for {@code --saturation} each: calls/s through the gateway beside nginx.
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

    @Option(names = "--stream-chunks", defaultValue = "20", description = "Events of a streamed answer (default ${DEFAULT-VALUE}).")
    int streamChunks;

    @Option(names = "--clients", defaultValue = "32", description = "Concurrent callers at saturation (default ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--saturation", defaultValue = "10s", converter = io.bulwark.bench.http.DurationConverter.class,
            description = "How long each of the gateway and nginx is driven at saturation (default ${DEFAULT-VALUE}; 0s: skip).")
    java.time.Duration saturation;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        io.bulwark.server.logging.LogSetup.configure("text", "WARN");
        // Without TCP_NODELAY the JDK's server holds each flushed event back for the client's delayed
        // ACK (about 40 ms a stream); a real provider's server does not.
        System.setProperty("sun.net.httpserver.nodelay", "true");
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
        upstream.createContext("/v1/stream", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            var events = exchange.getResponseBody();
            for (int i = 0; i < streamChunks; i++) {
                events.write(("data: {\"chunk\":" + i + ",\"text\":\"" + "z".repeat(40) + "\"}\n\n")
                        .getBytes(StandardCharsets.UTF_8));
                events.flush();
            }
            events.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
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
            Optional<java.nio.file.Path> nginxBinary = NginxProxy.binary();
            NginxProxy nginx = nginxBinary.isPresent()
                    ? NginxProxy.start(nginxBinary.get(), upstream.getAddress().getPort()) : null;
            try {
                URI viaNginx = nginx == null ? null : nginx.uri("/v1/chat");
                Histogram directTimes = new Histogram(3_600_000_000L, 3);
                Histogram gatewayTimes = new Histogram(3_600_000_000L, 3);
                Histogram nginxTimes = new Histogram(3_600_000_000L, 3);
                Histogram liveTimes = new Histogram(3_600_000_000L, 3);
                Streams streams = new Streams(
                        URI.create("http://127.0.0.1:" + upstream.getAddress().getPort() + "/v1/stream"),
                        server.uri().resolve("/api/v1/providers/bench/call?path=/v1/stream"));
                out.println("warming up: " + warmup + " requests of each kind"
                        + (nginx == null ? " (nginx not found: its rows are skipped)" : ""));
                out.flush();
                run(client, direct, gateway, viaNginx, live, body, warmup, null, null, null, null, streams, false);
                out.println("measuring: " + requests + " requests of each kind, interleaved, one at a time");
                out.flush();
                run(client, direct, gateway, viaNginx, live, body, requests, directTimes, gatewayTimes, nginxTimes, liveTimes,
                        streams, true);
                out.println();
                out.println("machine: " + Machine.current().describe());
                out.printf("%-14s %10s %10s %10s %10s%n", "µs", "p50", "p90", "p99", "max");
                line(out, "direct", directTimes);
                line(out, "gateway", gatewayTimes);
                if (nginx != null) {
                    line(out, "nginx", nginxTimes);
                }
                line(out, "live", liveTimes);
                out.printf("%-14s %10.0f %10.0f %10.0f%n", "added gateway", added(directTimes, gatewayTimes, 50),
                        added(directTimes, gatewayTimes, 90), added(directTimes, gatewayTimes, 99));
                if (nginx != null) {
                    out.printf("%-14s %10.0f %10.0f %10.0f%n", "added nginx", added(directTimes, nginxTimes, 50),
                            added(directTimes, nginxTimes, 90), added(directTimes, nginxTimes, 99));
                }
                out.printf("%nstreamed answers (%d events), µs:%n", streamChunks);
                out.printf("%-22s %10s %10s %10s %10s%n", "", "p50", "p90", "p99", "max");
                line22(out, "direct, first event", streams.directFirst);
                line22(out, "gateway, first event", streams.gatewayFirst);
                line22(out, "direct, whole", streams.directWhole);
                line22(out, "gateway, whole", streams.gatewayWhole);
                out.printf("%-22s %10.0f %10.0f %10.0f%n", "added to first event", added(streams.directFirst,
                        streams.gatewayFirst, 50), added(streams.directFirst, streams.gatewayFirst, 90),
                        added(streams.directFirst, streams.gatewayFirst, 99));
                out.flush();
                if (!saturation.isZero()) {
                    double g = saturate(client, gateway, body);
                    out.printf("saturation, %d callers, %s each: gateway %,.0f calls/s", clients, saturation, g);
                    if (nginx != null) {
                        double n = saturate(client, viaNginx, body);
                        out.printf(", nginx %,.0f calls/s: gateway %.2fx nginx", n, g / n);
                    }
                    out.println();
                    out.flush();
                }
            } finally {
                if (nginx != null) {
                    nginx.close();
                }
            }
        } finally {
            upstream.stop(0);
        }
        return 0;
    }

    /** Calls/s of {@code clients} callers sending to {@code target} back to back for {@link #saturation}. */
    private double saturate(HttpClient client, URI target, String body) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(target).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").build();
        java.util.concurrent.atomic.LongAdder done = new java.util.concurrent.atomic.LongAdder();
        java.util.concurrent.atomic.LongAdder failed = new java.util.concurrent.atomic.LongAdder();
        long end = System.nanoTime() + saturation.toNanos();
        long start = System.nanoTime();
        try (var callers = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < clients; c++) {
                callers.submit(() -> {
                    while (System.nanoTime() < end) {
                        try {
                            HttpResponse<Void> r = client.send(request, HttpResponse.BodyHandlers.discarding());
                            (r.statusCode() == 200 ? done : failed).increment();
                        } catch (IOException e) {
                            failed.increment();
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (failed.sum() > 0) {
            throw new IllegalStateException(target + ": " + failed.sum() + " calls failed at saturation");
        }
        return done.sum() / seconds;
    }

    /** The streamed route, direct and through the gateway, with the time to the first event and to the end of each. */
    private static final class Streams {
        final URI direct;
        final URI gateway;
        final Histogram directFirst = new Histogram(3_600_000_000L, 3);
        final Histogram gatewayFirst = new Histogram(3_600_000_000L, 3);
        final Histogram directWhole = new Histogram(3_600_000_000L, 3);
        final Histogram gatewayWhole = new Histogram(3_600_000_000L, 3);

        Streams(URI direct, URI gateway) {
            this.direct = direct;
            this.gateway = gateway;
        }
    }

    /** Times one streamed call: to its first event ({@code first}) and to its end ({@code whole}). */
    private static void stream(HttpClient client, URI target, String body, Histogram first, Histogram whole)
            throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(target).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").build();
        long start = System.nanoTime();
        HttpResponse<java.io.InputStream> r = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String line = in.readLine();
            long firstAt = System.nanoTime();
            if (r.statusCode() != 200 || line == null || !line.startsWith("data: ")) {
                throw new IllegalStateException(target + " answered " + r.statusCode() + " starting '" + line + "'");
            }
            boolean done = false;
            for (String l = in.readLine(); l != null; l = in.readLine()) {
                done |= l.equals("data: [DONE]");
            }
            long endAt = System.nanoTime();
            if (!done) {
                throw new IllegalStateException(target + ": the stream ended without its last event");
            }
            if (first != null) {
                first.recordValue(Math.max(1, (firstAt - start) / 1_000));
                whole.recordValue(Math.max(1, (endAt - start) / 1_000));
            }
        }
    }

    private static void line22(PrintWriter out, String name, Histogram h) {
        out.printf("%-22s %10d %10d %10d %10d%n", name, h.getValueAtPercentile(50), h.getValueAtPercentile(90),
                h.getValueAtPercentile(99), h.getMaxValue());
    }

    private static void run(HttpClient client, URI direct, URI gateway, URI viaNginx, URI live, String body, int n,
                            Histogram d, Histogram g, Histogram ng, Histogram l, Streams streams, boolean measure)
            throws IOException, InterruptedException {
        HttpRequest toLive = HttpRequest.newBuilder(live).GET().build();
        HttpRequest toDirect = HttpRequest.newBuilder(direct).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").build();
        HttpRequest toGateway = HttpRequest.newBuilder(gateway).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").build();
        HttpRequest toNginx = viaNginx == null ? null : HttpRequest.newBuilder(viaNginx)
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json").build();
        for (int i = 0; i < n; i++) {
            time(client, toDirect, d);
            time(client, toGateway, g);
            if (toNginx != null) {
                time(client, toNginx, ng);
            }
            time(client, toLive, l);
            stream(client, streams.direct, body, measure ? streams.directFirst : null, streams.directWhole);
            stream(client, streams.gateway, body, measure ? streams.gatewayFirst : null, streams.gatewayWhole);
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
        out.printf("%-14s %10d %10d %10d %10d%n", name, h.getValueAtPercentile(50), h.getValueAtPercentile(90),
                h.getValueAtPercentile(99), h.getMaxValue());
    }

    private static double added(Histogram direct, Histogram gateway, double p) {
        return gateway.getValueAtPercentile(p) - direct.getValueAtPercentile(p);
    }
}
