package io.bulwark.balancer;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * Sends HTTP requests to a named service through its {@link LoadBalancer} (fed by a
 * {@link Discovery}) and a {@link CallPolicy}, with the JDK {@link HttpClient} the caller owns.
 * Paths are resolved against the chosen endpoint's base URI.
 *
 * <pre>{@code
 * ServiceClient users = ServiceClient.builder("users")
 *         .discovery(DnsDiscovery.builder("users.internal").port(8080).build(), BalancerConfig.of(Strategy.LEAST_REQUESTS))
 *         .http(HttpClient.newHttpClient())
 *         .build();
 * HttpResponse<String> r = users.get("/v1/users/42");
 * }</pre>
 */
public final class ServiceClient {

    private final String name;
    private final LoadBalancer balancer;
    private final HttpClient http;
    private final CallPolicy policy;
    private final Duration requestTimeout;

    private ServiceClient(Builder b) {
        this.name = b.name;
        this.balancer = b.balancer;
        this.http = b.http;
        this.policy = b.policy;
        this.requestTimeout = b.requestTimeout;
    }

    /** A client of {@code balancer}'s endpoints over {@code http}, without a policy. */
    public static ServiceClient of(String name, LoadBalancer balancer, HttpClient http) {
        return builder(name).balancer(balancer).http(http).build();
    }

    /** A builder for the service {@code name}. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** The service name. */
    public String name() {
        return name;
    }

    /** The balancer requests go through. */
    public LoadBalancer balancer() {
        return balancer;
    }

    /** {@code GET path}, body as a string. */
    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(null, path, UnaryOperator.identity(), HttpResponse.BodyHandlers.ofString());
    }

    /** Sends to {@code path}; {@code request} adds method, headers and body to a builder whose URI is set. */
    public <T> HttpResponse<T> send(String path, UnaryOperator<HttpRequest.Builder> request,
                                    HttpResponse.BodyHandler<T> body) throws IOException, InterruptedException {
        return send(null, path, request, body);
    }

    /**
     * Sends to {@code path} with a balancing key ({@code consistent-hash}: e.g. a user id;
     * {@code ip-hash}: the client address); other strategies ignore the key.
     */
    @SuppressWarnings("unchecked")
    public <T> HttpResponse<T> send(String requestKey, String path, UnaryOperator<HttpRequest.Builder> request,
                                    HttpResponse.BodyHandler<T> body) throws IOException, InterruptedException {
        Call<T> call = new Call<>(requestKey, path, request, body);
        try {
            return (HttpResponse<T>) policy.apply(call);
        } catch (IOException | InterruptedException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("call to service '" + name + "' " + path + " failed in its policy after "
                    + call.attempts() + " attempts: " + e.getMessage(), e);
        }
    }

    private final class Call<T> implements ServiceCall {
        private final String key;
        private final String path;
        private final UnaryOperator<HttpRequest.Builder> request;
        private final HttpResponse.BodyHandler<T> body;
        private final AtomicInteger attempts = new AtomicInteger();

        Call(String key, String path, UnaryOperator<HttpRequest.Builder> request, HttpResponse.BodyHandler<T> body) {
            this.key = key;
            this.path = Objects.requireNonNull(path, "path");
            this.request = Objects.requireNonNull(request, "request");
            this.body = Objects.requireNonNull(body, "body");
        }

        @Override
        public String service() {
            return name;
        }

        @Override
        public int attempts() {
            return attempts.get();
        }

        @Override
        public HttpResponse<T> attempt() throws IOException, InterruptedException {
            attempts.incrementAndGet();
            Selection selection = balancer.pick(key);
            try {
                URI target = selection.uri().resolve(path);
                HttpRequest.Builder builder = HttpRequest.newBuilder(target);
                if (requestTimeout != null) {
                    builder.timeout(requestTimeout);
                }
                HttpResponse<T> response = http.send(request.apply(builder).build(), body);
                selection.complete(response.statusCode());
                return response;
            } catch (IOException | RuntimeException e) {
                selection.fail(e);
                throw e;
            } finally {
                selection.close();
            }
        }
    }

    /** Builds a {@link ServiceClient}. */
    public static final class Builder {
        private final String name;
        private LoadBalancer balancer;
        private HttpClient http;
        private CallPolicy policy = CallPolicy.direct();
        private Duration requestTimeout;

        private Builder(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("service name must not be blank but was '" + name + "'");
            }
            this.name = name;
        }

        /** The balancer to use (its endpoints are managed by the caller). */
        public Builder balancer(LoadBalancer value) {
            this.balancer = Objects.requireNonNull(value, "balancer");
            return this;
        }

        /**
         * A new balancer named after the service, following {@code discovery} (subscribed now; refreshing
         * it stays the caller's: {@link Discovery#refresh()} or {@link Discovery#start}).
         */
        public Builder discovery(Discovery discovery, BalancerConfig config) {
            LoadBalancer lb = LoadBalancer.builder(name).config(config).build();
            discovery.subscribe(lb::update);
            return balancer(lb);
        }

        /** The HTTP client (the caller's; its executor and lifetime stay the caller's). */
        public Builder http(HttpClient value) {
            this.http = Objects.requireNonNull(value, "http");
            return this;
        }

        /** The policy around each call (default {@link CallPolicy#direct()}). */
        public Builder policy(CallPolicy value) {
            this.policy = Objects.requireNonNull(value, "policy");
            return this;
        }

        /** A timeout for each attempt (default: the client's). */
        public Builder requestTimeout(Duration value) {
            this.requestTimeout = Checks.positive("requestTimeout", value);
            return this;
        }

        /** The client. */
        public ServiceClient build() {
            if (balancer == null) {
                throw new IllegalStateException("service client '" + name + "' needs a balancer or a discovery");
            }
            if (http == null) {
                throw new IllegalStateException("service client '" + name + "' needs an HttpClient (http(...))");
            }
            return new ServiceClient(this);
        }
    }
}
