package io.bulwark.core.http;

import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * An {@link HttpClient} built on first use. Building the first client of a process loads the
 * default TLS context (the JDK's trust store, every certificate parsed), a noticeable part of a
 * server's start; a server builds several clients at start (built-in job types, callbacks,
 * alerts, balancer probes) that may never send a request. Once built, every call goes to the
 * one client; closing one never built does nothing.
 *
 * <pre>{@code
 * HttpClient http = LazyHttpClient.of(() -> HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
 * }</pre>
 */
public final class LazyHttpClient extends HttpClient {

    private final Supplier<HttpClient> factory;
    private volatile HttpClient client;
    /** Shut down before it was built: a client built later is shut down at once, so it sends nothing. */
    private volatile boolean shut;

    private LazyHttpClient(Supplier<HttpClient> factory) {
        this.factory = Objects.requireNonNull(factory, "factory");
    }

    /** A client that {@code factory} builds when it is first needed. */
    public static HttpClient of(Supplier<HttpClient> factory) {
        return new LazyHttpClient(factory);
    }

    /** Whether the client has been built. */
    public boolean built() {
        return client != null;
    }

    private HttpClient client() {
        HttpClient c = client;
        if (c == null) {
            synchronized (this) {
                c = client;
                if (c == null) {
                    c = Objects.requireNonNull(factory.get(), "the factory built no client");
                    if (shut) {
                        c.shutdownNow();
                    }
                    client = c;
                }
            }
        }
        return c;
    }

    @Override
    public Optional<CookieHandler> cookieHandler() {
        return client().cookieHandler();
    }

    @Override
    public Optional<Duration> connectTimeout() {
        return client().connectTimeout();
    }

    @Override
    public Redirect followRedirects() {
        return client().followRedirects();
    }

    @Override
    public Optional<ProxySelector> proxy() {
        return client().proxy();
    }

    @Override
    public SSLContext sslContext() {
        return client().sslContext();
    }

    @Override
    public SSLParameters sslParameters() {
        return client().sslParameters();
    }

    @Override
    public Optional<Authenticator> authenticator() {
        return client().authenticator();
    }

    @Override
    public Version version() {
        return client().version();
    }

    @Override
    public Optional<Executor> executor() {
        return client().executor();
    }

    @Override
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
            throws IOException, InterruptedException {
        return client().send(request, handler);
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        return client().sendAsync(request, handler);
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler,
                                                            HttpResponse.PushPromiseHandler<T> pushPromiseHandler) {
        return client().sendAsync(request, handler, pushPromiseHandler);
    }

    @Override
    public WebSocket.Builder newWebSocketBuilder() {
        return client().newWebSocketBuilder();
    }

    @Override
    public void shutdown() {
        HttpClient c = client;
        if (c != null) {
            c.shutdown();
        } else {
            shut = true;
        }
    }

    @Override
    public boolean awaitTermination(Duration duration) throws InterruptedException {
        HttpClient c = client;
        return c == null || c.awaitTermination(duration);
    }

    @Override
    public boolean isTerminated() {
        HttpClient c = client;
        return c == null || c.isTerminated();
    }

    @Override
    public void shutdownNow() {
        HttpClient c = client;
        if (c != null) {
            c.shutdownNow();
        } else {
            shut = true;
        }
    }

    @Override
    public void close() {
        HttpClient c = client;
        if (c != null) {
            c.close();
        } else {
            shut = true;
        }
    }
}
