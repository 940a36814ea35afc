package io.bulwark.test.provider;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.bulwark.core.json.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * A local OpenAI-compatible endpoint for trying the gateway without a network or an API key, which
 * can be told to slow down, fail (a 429 with {@code Retry-After} too) or cut streams off, at start
 * or while it runs. {@code bulwark dev fake-provider} runs one; tests start one in-process.
 *
 * <pre>{@code
 * try (FakeProvider fake = FakeProvider.start(new InetSocketAddress("127.0.0.1", 0), FakeMode.HEALTHY,
 *         new Random(), InstantSource.system())) {
 *     fake.mode(FakeMode.of(Duration.ofSeconds(2), 0.5, 503));   // or POST /fake/mode
 *     URI chat = fake.uri().resolve("/v1/chat/completions");
 * }
 * }</pre>
 *
 * <p>Routes: {@code POST /v1/chat/completions} (a {@code chat.completion} echoing the last user
 * message, or Server-Sent Events with {@code "stream": true}), {@code GET /v1/models}; and to steer
 * it, {@code GET|POST /fake/mode} and {@code GET /fake/stats}. The mode applies to the {@code /v1}
 * routes only: each request waits the latency, then fails with the fail status at the fail rate
 * (drawn from the given {@link Random}, so a seeded one repeats its failures for the same sequence
 * of requests), then is answered. Authorization headers are accepted and ignored.
 *
 * <p>Design notes: each exchange runs on its own virtual thread, so a slow mode costs only sleeping
 * threads. The mode is one immutable {@link FakeMode} behind an {@link AtomicReference}: a request
 * reads it once, so it sees the old mode or the new one, never half of each.
 */
public final class FakeProvider implements AutoCloseable {

    /** The largest request body read; a larger one is refused with 413. */
    static final int MAX_BODY = 1 << 20;

    private final HttpServer server;
    private final ExecutorService executor;
    private final Random random;
    private final InstantSource clock;
    private final AtomicReference<FakeMode> mode;
    private final AtomicLong ids = new AtomicLong();
    private final LongAdder requests = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder completions = new LongAdder();
    private final LongAdder streams = new LongAdder();
    private final LongAdder cuts = new LongAdder();

    /**
     * Thrown out of the handler to drop the connection: the JDK server closes a connection whose
     * handler failed before finishing its answer, so the client sees the stream break off (no
     * last chunk) or no answer at all.
     */
    private static final class Cut extends RuntimeException {
        Cut() {
            super("the fake provider cuts the connection on purpose", null, false, false);
        }
    }

    private FakeProvider(HttpServer server, ExecutorService executor, FakeMode mode, Random random, InstantSource clock) {
        this.server = server;
        this.executor = executor;
        this.mode = new AtomicReference<>(mode);
        this.random = random;
        this.clock = clock;
    }

    /**
     * Starts listening on {@code address} (port 0 picks a free one).
     *
     * @param random where the fail-rate draws come from; {@code new Random(seed)} repeats them
     * @param clock  the source of the {@code created} times in answers
     * @throws IOException when the address cannot be bound (e.g. {@link java.net.BindException} for a taken port)
     */
    public static FakeProvider start(InetSocketAddress address, FakeMode mode, Random random, InstantSource clock)
            throws IOException {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(random, "random");
        Objects.requireNonNull(clock, "clock");
        HttpServer server = HttpServer.create(address, 0);
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        FakeProvider fake = new FakeProvider(server, executor, mode, random, clock);
        server.createContext("/", fake::handle);
        server.start();
        return fake;
    }

    /** Where it listens, e.g. {@code http://127.0.0.1:9000}. */
    public URI uri() {
        InetSocketAddress a = server.getAddress();
        String host = a.getAddress().getHostAddress();
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort());
    }

    /** The mode requests are answered in now. */
    public FakeMode mode() {
        return mode.get();
    }

    /** Switches to {@code next}; requests already waiting keep the mode they started with. */
    public void mode(FakeMode next) {
        mode.set(Objects.requireNonNull(next, "next"));
    }

    /** What it answered so far, as {@code GET /fake/stats} shows it. */
    public Stats stats() {
        return new Stats(requests.sum(), failures.sum(), completions.sum(), streams.sum(), cuts.sum());
    }

    /**
     * Counts since start.
     *
     * @param requests    requests to the {@code /v1} routes
     * @param failures    of those, answered with the fail status on purpose
     * @param completions chat completions answered, streamed or not
     * @param streams     of those, streamed
     * @param cuts        streamed answers cut off on purpose ({@link FakeMode#cutAfterChunks()})
     */
    public record Stats(long requests, long failures, long completions, long streams, long cuts) {

        Map<String, Object> toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("requests", requests);
            json.put("failures", failures);
            json.put("completions", completions);
            json.put("streams", streams);
            json.put("cuts", cuts);
            return json;
        }
    }

    /** Stops listening at once; requests in flight are cut off. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) {
        try {
            route(exchange);
        } catch (Cut cut) {
            throw cut; // not closed: the server drops the connection
        } catch (RuntimeException e) {
            exchange.close();
            throw e;
        }
        exchange.close();
    }

    private void route(HttpExchange exchange) {
        try {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            switch (path) {
                case "/v1/chat/completions" -> {
                    if (allowed(exchange, "POST", true)) {
                        openAi(exchange, true);
                    }
                }
                case "/v1/models" -> {
                    if (allowed(exchange, "GET", true)) {
                        openAi(exchange, false);
                    }
                }
                case "/fake/mode" -> {
                    if (method.equals("GET")) {
                        json(exchange, 200, "application/json", mode.get().toJson());
                    } else if (allowed(exchange, "GET, POST", false)) {
                        changeMode(exchange);
                    }
                }
                case "/fake/stats" -> {
                    if (allowed(exchange, "GET", false)) {
                        json(exchange, 200, "application/json", stats().toJson());
                    }
                }
                default -> notFound(exchange, path);
            }
        } catch (IOException e) {
            // The client went away mid-answer; there is no one left to tell.
        } catch (InterruptedException e) {
            // close() while the request waited out its latency.
            Thread.currentThread().interrupt();
        }
    }

    /** The /v1 routes: latency, then perhaps the failure, then the answer. */
    private void openAi(HttpExchange exchange, boolean chat) throws IOException, InterruptedException {
        requests.increment();
        byte[] body = body(exchange);
        if (body == null) {
            return;
        }
        FakeMode m = mode.get();
        if (m.latency().isPositive()) {
            Thread.sleep(m.latency());
        }
        if (m.failRate() > 0 && random.nextDouble() < m.failRate()) {
            failures.increment();
            String retryAfter = m.retryAfterHeader();
            if (retryAfter != null) {
                exchange.getResponseHeaders().set("Retry-After", retryAfter);
            }
            json(exchange, m.failStatus(), "application/json", Completions.error("fake provider failing on purpose ("
                    + m + "); change it with POST /fake/mode", "server_error", null, "fake_failure"));
            return;
        }
        long created = clock.instant().getEpochSecond();
        if (!chat) {
            json(exchange, 200, "application/json", Completions.models(created));
            return;
        }
        Completions.Request request;
        try {
            request = Completions.parse(body);
        } catch (Completions.BadRequest e) {
            json(exchange, 400, "application/json",
                    Completions.error(e.getMessage(), "invalid_request_error", e.param(), null));
            return;
        }
        String id = "chatcmpl-fake-" + ids.incrementAndGet();
        completions.increment();
        if (!request.stream()) {
            json(exchange, 200, "application/json", Completions.completion(id, created, request));
            return;
        }
        streams.increment();
        int cutAfter = m.cutAfterChunks();
        if (cutAfter == 0) {
            cuts.increment();
            throw new Cut();
        }
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        int sent = 0;
        for (ObjectNode chunk : Completions.chunks(id, created, request)) {
            if (sent == cutAfter) {
                cuts.increment();
                throw new Cut();
            }
            out.write(("data: " + Json.mapper().writeValueAsString(chunk) + "\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            sent++;
        }
        if (sent == cutAfter) {
            cuts.increment();
            throw new Cut();
        }
        out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private void changeMode(HttpExchange exchange) throws IOException {
        byte[] body = body(exchange);
        if (body == null) {
            return;
        }
        JsonNode changes;
        try {
            changes = Json.mapper().readTree(body);
        } catch (JsonProcessingException e) {
            problem(exchange, 400, "the body is not valid JSON" + Json.syntaxError(e));
            return;
        }
        try {
            FakeMode next = mode.updateAndGet(current -> current.with(changes));
            json(exchange, 200, "application/json", next.toJson());
        } catch (IllegalArgumentException e) {
            problem(exchange, 400, e.getMessage());
        }
    }

    /** The request body, or null after answering 413 when it is larger than {@link #MAX_BODY}. */
    private static byte[] body(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(MAX_BODY + 1);
            if (body.length > MAX_BODY) {
                problem(exchange, 413, "the body is larger than " + MAX_BODY + " bytes");
                return null;
            }
            return body;
        }
    }

    /** True when the method is one of {@code allow}; otherwise answers 405 naming them. */
    private static boolean allowed(HttpExchange exchange, String allow, boolean openAi) throws IOException {
        String method = exchange.getRequestMethod();
        for (String m : allow.split(", ")) {
            if (m.equals(method)) {
                return true;
            }
        }
        exchange.getResponseHeaders().set("Allow", allow);
        String message = method + " is not allowed on " + exchange.getRequestURI().getPath() + "; allowed: " + allow;
        if (openAi) {
            json(exchange, 405, "application/json", Completions.error(message, "invalid_request_error", null, null));
        } else {
            problem(exchange, 405, message);
        }
        return false;
    }

    private static void notFound(HttpExchange exchange, String path) throws IOException {
        String message = "no route " + path + "; the fake provider serves POST /v1/chat/completions, GET /v1/models, "
                + "GET|POST /fake/mode and GET /fake/stats";
        if (path.startsWith("/v1/")) {
            json(exchange, 404, "application/json", Completions.error(message, "invalid_request_error", null, "not_found"));
        } else {
            problem(exchange, 404, message);
        }
    }

    /** An RFC 9457 problem, as Bulwark's own API answers; used for the /fake routes. */
    private static void problem(HttpExchange exchange, int status, String detail) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", switch (status) {
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 413 -> "Content Too Large";
            default -> "Error";
        });
        body.put("status", status);
        body.put("detail", detail);
        json(exchange, status, "application/problem+json", body);
    }

    private static void json(HttpExchange exchange, int status, String contentType, Object body) throws IOException {
        byte[] bytes = Json.mapper().writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
