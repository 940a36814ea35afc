package io.bulwark.test.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A local HTTP server on 127.0.0.1 and a free port that answers as told: succeed, fail with a
 * status, stall (for timeouts), answer 429 with {@code Retry-After}, or fail the next few
 * requests and then go back to what it was doing. It counts requests (in total and by path) and
 * records the last one, so a test can check what its client actually sent.
 *
 * <pre>{@code
 * try (FlakyServer server = FlakyServer.start("users-1")) {
 *     server.fail(503);                         // every request now gets 503
 *     server.tooManyRequests(Duration.ofSeconds(2));
 *     server.stall();                           // requests hang until recover() or close()
 *     server.recover();                         // back to 200 "users-1"; stalled requests answered
 *     server.failNext(2, 500);                  // the next two get 500, then 200 again
 * }
 * }</pre>
 *
 * <p>Every response carries {@value #SERVED_BY} naming the server, so a test of a load balancer
 * can tell which endpoint answered without parsing bodies.
 *
 * <p>Design notes: requests run on virtual threads (one per exchange), so a stalled request
 * costs nothing but its socket. A stall is a latch: {@link #stall()} installs a closed latch,
 * stalled handlers wait on it, and {@link #recover()} or {@link #close()} opens it; a released
 * handler looks at the current reply again, so a stall followed by {@code fail(500)} and
 * {@code recover()} answers with 200. All commands are thread-safe and take effect for the next
 * request the server looks at.
 */
public final class FlakyServer implements AutoCloseable {

    /** The response header naming the server that answered. */
    public static final String SERVED_BY = "X-Served-By";

    private final String name;
    private final HttpServer server;
    private final ExecutorService executor;
    private final AtomicReference<Reply> reply;
    private final AtomicReference<Reply> lastSuccess;
    private final AtomicReference<FailNext> failNext = new AtomicReference<>(FailNext.NONE);
    private final AtomicReference<CountDownLatch> gate = new AtomicReference<>(new CountDownLatch(0));
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger stalled = new AtomicInteger();
    private final Map<String, AtomicInteger> requestsByPath = new ConcurrentHashMap<>();
    private final AtomicReference<RecordedRequest> lastRequest = new AtomicReference<>();
    private final ReentrantLock stallLock = new ReentrantLock();
    private final Condition stallChanged = stallLock.newCondition();
    private volatile boolean closed;

    private FlakyServer(String name) throws IOException {
        this.name = Objects.requireNonNull(name, "name");
        Reply ok = new Reply.Succeed(name, false);
        this.reply = new AtomicReference<>(ok);
        this.lastSuccess = new AtomicReference<>(ok);
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        this.executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts a server named {@code flaky} on a free port of 127.0.0.1. */
    public static FlakyServer start() {
        return start("flaky");
    }

    /**
     * Starts a server on a free port of 127.0.0.1; it answers 200 with {@code name} as the body
     * until told otherwise.
     *
     * @throws UncheckedIOException when no socket can be bound
     */
    public static FlakyServer start(String name) {
        try {
            return new FlakyServer(name);
        } catch (IOException e) {
            throw new UncheckedIOException("FlakyServer '" + name + "' could not bind 127.0.0.1", e);
        }
    }

    /** The name given at start, which default bodies and {@value #SERVED_BY} carry. */
    public String name() {
        return name;
    }

    /** The bound port. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The base URI, e.g. {@code http://127.0.0.1:41234}. */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + port());
    }

    /** The URI of {@code path} (which should start with {@code /}) on this server. */
    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    /** From now on answer 200 with the server's name as the body; releases stalled requests. */
    public FlakyServer succeed() {
        return succeedWith(new Reply.Succeed(name, false));
    }

    /** From now on answer 200 with {@code body}; releases stalled requests. */
    public FlakyServer succeed(String body) {
        return succeedWith(new Reply.Succeed(Objects.requireNonNull(body, "body"), false));
    }

    /** From now on answer 200 echoing the request body; releases stalled requests. */
    public FlakyServer echo() {
        return succeedWith(new Reply.Succeed("", true));
    }

    /** From now on answer {@code status} (e.g. 500 or 503); releases stalled requests. */
    public FlakyServer fail(int status) {
        requireStatus(status);
        return set(new Reply.Fail(status));
    }

    /** From now on answer 429 with {@code Retry-After} in whole seconds (rounded up). */
    public FlakyServer tooManyRequests(Duration retryAfter) {
        if (retryAfter.isNegative()) {
            throw new IllegalArgumentException("retryAfter must be >= 0 but was " + retryAfter);
        }
        return set(new Reply.TooManyRequests(retryAfter));
    }

    /** From now on hold every request without answering until {@link #recover()} or {@link #close()}. */
    public FlakyServer stall() {
        gate.updateAndGet(g -> g.getCount() == 0 ? new CountDownLatch(1) : g);
        reply.set(new Reply.Stall());
        return this;
    }

    /**
     * Fails the next {@code n} requests with {@code status} (replacing any earlier such order),
     * then answers as before.
     */
    public FlakyServer failNext(int n, int status) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0 but was " + n);
        }
        requireStatus(status);
        failNext.set(new FailNext(n, status));
        return this;
    }

    /**
     * Back to the last success reply ({@link #succeed()} unless {@link #succeed(String)} or
     * {@link #echo()} was used), cancelling {@link #failNext} and answering stalled requests.
     */
    public FlakyServer recover() {
        failNext.set(FailNext.NONE);
        return set(lastSuccess.get());
    }

    /** Same as {@link #recover()}: stalled requests are answered with the last success reply. */
    public FlakyServer release() {
        return recover();
    }

    /** How many requests arrived (including stalled ones). */
    public int requests() {
        return requests.get();
    }

    /** How many requests arrived for {@code path} (exact match, query excluded). */
    public int requests(String path) {
        AtomicInteger n = requestsByPath.get(path);
        return n == null ? 0 : n.get();
    }

    /** How many requests are being held by {@link #stall()} right now. */
    public int stalled() {
        return stalled.get();
    }

    /**
     * Waits until at least {@code n} requests are held by {@link #stall()}, so a test can act
     * while they hang (e.g. time out a client) without sleeping.
     *
     * @throws IllegalStateException when fewer than {@code n} are held after {@code timeout}
     */
    public FlakyServer awaitStalled(int n, Duration timeout) {
        long left = timeout.toNanos();
        stallLock.lock();
        try {
            while (stalled.get() < n) {
                if (left <= 0) {
                    throw new IllegalStateException("FlakyServer '" + name + "': expected " + n
                            + " stalled requests within " + timeout + " but " + stalled.get() + " were held ("
                            + requests() + " received)");
                }
                left = stallChanged.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for stalled requests on " + name, e);
        } finally {
            stallLock.unlock();
        }
        return this;
    }

    /** Forgets the request counts and the last request. */
    public FlakyServer resetCounts() {
        requests.set(0);
        requestsByPath.clear();
        lastRequest.set(null);
        return this;
    }

    /** The last request received, if any. */
    public Optional<RecordedRequest> lastRequest() {
        return Optional.ofNullable(lastRequest.get());
    }

    /** Stops the server; stalled requests are dropped without an answer. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        gate.get().countDown();
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "FlakyServer[" + name + " at " + uri() + ", reply=" + reply.get() + ", requests=" + requests() + "]";
    }

    private FlakyServer succeedWith(Reply.Succeed success) {
        lastSuccess.set(success);
        return set(success);
    }

    private FlakyServer set(Reply next) {
        reply.set(next);
        gate.get().countDown();
        return this;
    }

    private static void requireStatus(int status) {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status must be between 100 and 599 but was " + status);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            RecordedRequest request = record(exchange);
            requests.incrementAndGet();
            requestsByPath.computeIfAbsent(request.path(), p -> new AtomicInteger()).incrementAndGet();
            lastRequest.set(request);
            FailNext order = failNext.getAndUpdate(FailNext::next);
            if (order.remaining() > 0) {
                respond(exchange, order.status(), name + " failing on command (" + order.status() + ")");
                return;
            }
            Reply current = awaitAnswer();
            if (current == null) {
                return; // closed while stalled: drop the connection without an answer
            }
            switch (current) {
                case Reply.Succeed s -> respond(exchange, 200, s.echo() ? request.bodyText() : s.body());
                case Reply.Fail f -> respond(exchange, f.status(), name + " failing on command (" + f.status() + ")");
                case Reply.TooManyRequests t -> {
                    long seconds = (t.retryAfter().toMillis() + 999) / 1000;
                    exchange.getResponseHeaders().set("Retry-After", Long.toString(seconds));
                    respond(exchange, 429, name + " is rate limiting; retry after " + seconds + "s");
                }
                case Reply.Stall st -> throw new IllegalStateException("unreachable: stall handled above");
            }
        }
    }

    /** The reply to give, waiting while the server stalls; {@code null} once closed. */
    private Reply awaitAnswer() {
        while (!closed) {
            CountDownLatch latch = gate.get();
            Reply current = reply.get();
            if (!(current instanceof Reply.Stall)) {
                return current;
            }
            stallLock.lock();
            try {
                stalled.incrementAndGet();
                stallChanged.signalAll();
            } finally {
                stallLock.unlock();
            }
            try {
                latch.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            } finally {
                stalled.decrementAndGet();
            }
        }
        return null;
    }

    private static RecordedRequest record(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        Map<String, List<String>> headers = new TreeMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
        URI uri = exchange.getRequestURI();
        return new RecordedRequest(exchange.getRequestMethod(), uri.getPath(), uri.getRawQuery(), headers, body);
    }

    private void respond(HttpExchange exchange, int status, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.getResponseHeaders().set(SERVED_BY, name);
        boolean noBody = bytes.length == 0 || "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, noBody ? -1 : bytes.length);
        if (!noBody) {
            exchange.getResponseBody().write(bytes);
        }
    }

    /** An order to fail the next {@code remaining} requests with {@code status}. */
    private record FailNext(int remaining, int status) {
        static final FailNext NONE = new FailNext(0, 500);

        FailNext next() {
            return remaining <= 0 ? this : new FailNext(remaining - 1, status);
        }
    }
}
