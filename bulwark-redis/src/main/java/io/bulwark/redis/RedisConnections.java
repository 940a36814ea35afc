package io.bulwark.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One Redis server, reached through one shared, thread-safe Lettuce connection that is opened
 * on first use and reopened after a failure. Built from a URI, so the server can build one from
 * its configuration.
 *
 * <pre>{@code
 * try (RedisConnections redis = RedisConnections.builder()
 *         .uri("redis://127.0.0.1:6379")
 *         .commandTimeout(Duration.ofMillis(100))
 *         .build()) {
 *     RedisRateLimiter limiter = RedisRateLimiter.builder(config, redis).build();
 * }
 * }</pre>
 *
 * <p>Design notes. Lettuce multiplexes every thread's commands over one connection, which is
 * what makes one round trip per decision cheap; a pool would only add hand-offs. Lettuce's
 * background reconnection is off: a lost connection rejects commands at once (instead of
 * queueing them), so a caller learns that Redis is away and applies its failure mode, and the
 * next {@link #connection()} (a limiter's recovery probe) opens a new one right away rather than
 * after Lettuce's growing reconnect delay. Commands time out after {@link Builder#commandTimeout}.
 * Opening is lazy, so a node whose Redis is down at start still starts; it is guarded by a
 * {@link ReentrantLock} taken with {@code tryLock} (it blocks on the network), so while one caller
 * connects the others fail fast rather than wait. Lettuce runs
 * its I/O on its own event loops: pass {@link Builder#clientResources} to share or size them;
 * by default this object creates them and {@link #close()} shuts them down.
 */
public final class RedisConnections implements AutoCloseable {

    private final RedisURI uri;
    private final String displayUri;
    private final Duration commandTimeout;
    private final RedisClient client;
    private final ReentrantLock openLock = new ReentrantLock();
    private volatile StatefulRedisConnection<String, String> connection;
    private volatile boolean closed;

    private RedisConnections(Builder b) {
        this.uri = b.uri;
        this.displayUri = b.displayUri;
        this.commandTimeout = b.commandTimeout;
        this.uri.setTimeout(b.commandTimeout);
        this.client = b.resources == null ? RedisClient.create(uri) : RedisClient.create(b.resources, uri);
        this.client.setOptions(ClientOptions.builder()
                .autoReconnect(false)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(b.commandTimeout))
                .socketOptions(SocketOptions.builder().connectTimeout(b.connectTimeout).build())
                .build());
    }

    /** A builder; {@link Builder#uri} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Shorthand for {@code builder().uri(uri).build()} with the default timeouts. */
    public static RedisConnections of(String uri) {
        return builder().uri(uri).build();
    }

    /**
     * The shared connection, opened now if it is not open.
     *
     * @throws io.lettuce.core.RedisConnectionException when Redis cannot be reached
     * @throws IllegalStateException after {@link #close()}
     */
    public StatefulRedisConnection<String, String> connection() {
        StatefulRedisConnection<String, String> c = connection;
        if (c != null && c.isOpen()) {
            return c;
        }
        // One caller (re)connects. The others wait for it no longer than one command may take, so
        // callers that arrive together at the first use all get the connection, and during an
        // outage nobody queues behind a connect that is timing out.
        boolean locked;
        try {
            locked = openLock.tryLock(commandTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RedisConnectionException("Unable to connect to " + displayUri + ": interrupted", e);
        }
        if (!locked) {
            throw new RedisConnectionException("Unable to connect to " + displayUri + ": another caller is connecting");
        }
        try {
            if (closed) {
                throw new IllegalStateException("RedisConnections to " + displayUri + " is closed");
            }
            if (connection != null && !connection.isOpen()) {
                connection.closeAsync();
                connection = null;
            }
            if (connection == null) {
                connection = client.connect();
            }
            return connection;
        } finally {
            openLock.unlock();
        }
    }

    /** The URI without any password, for messages and health details. */
    public String displayUri() {
        return displayUri;
    }

    /** How long one command may take before it fails with a timeout. */
    public Duration commandTimeout() {
        return commandTimeout;
    }

    /** Closes the connection and, when this object created them, Lettuce's event loops. */
    @Override
    public void close() {
        openLock.lock();
        try {
            closed = true;
            if (connection != null) {
                connection.close();
                connection = null;
            }
        } finally {
            openLock.unlock();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }

    @Override
    public String toString() {
        return "RedisConnections[" + displayUri + ", commandTimeout=" + commandTimeout.toMillis() + "ms]";
    }

    /** Builds {@link RedisConnections}; each setter validates at once. */
    public static final class Builder {
        private RedisURI uri;
        private String displayUri;
        private Duration commandTimeout = Duration.ofMillis(100);
        private Duration connectTimeout = Duration.ofSeconds(1);
        private ClientResources resources;

        private Builder() {
        }

        /**
         * The server: {@code redis://[[user]:password@]host[:port][/database]}, {@code rediss://}
         * for TLS, or {@code redis-socket:///path}.
         *
         * @throws IllegalArgumentException naming the URI (without its password) and what is wrong
         */
        public Builder uri(String value) {
            Objects.requireNonNull(value, "uri");
            this.displayUri = RedisUris.withoutPassword(value);
            this.uri = RedisUris.parse(value, displayUri);
            return this;
        }

        /** How long one command may take (default 100ms); must be > 0. */
        public Builder commandTimeout(Duration value) {
            this.commandTimeout = positive("commandTimeout", value);
            return this;
        }

        /** How long opening the connection may take (default 1s); must be > 0. */
        public Builder connectTimeout(Duration value) {
            this.connectTimeout = positive("connectTimeout", value);
            return this;
        }

        /** Lettuce's event loops and timers to share; by default a set of its own. */
        public Builder clientResources(ClientResources value) {
            this.resources = Objects.requireNonNull(value, "clientResources");
            return this;
        }

        /** @throws IllegalStateException when no URI was given */
        public RedisConnections build() {
            if (uri == null) {
                throw new IllegalStateException("uri is required, e.g. redis://127.0.0.1:6379");
            }
            return new RedisConnections(this);
        }

        private static Duration positive(String name, Duration value) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be > 0 but was " + value);
            }
            return value;
        }
    }
}
