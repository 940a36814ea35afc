package io.bulwark.cache;

import io.bulwark.cache.internal.RedisLink;
import io.bulwark.redis.RedisConnections;
import io.bulwark.redis.RedisUris;
import io.lettuce.core.RedisURI;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The Redis that the L2 of one or more caches lives in: a shared command connection and one
 * pub/sub connection for invalidations. Share one per Redis server among the caches of a node;
 * a cache built with {@link CacheBuilder#l2(String)} opens a private one instead.
 *
 * <pre>{@code
 * try (CacheRedis redis = CacheRedis.connect("redis://127.0.0.1:6379")) {
 *     Cache<String, Product> products = Caches.builder("products", Product.class).l2(redis).build();
 *     Cache<Long, Price> prices = Caches.builder("prices", Price.class).keys(Long.class).l2(redis).build();
 * }
 * }</pre>
 *
 * <p>Never fails for Redis being down: connections open on first use and again after a failure.
 * Commands time out after {@link Builder#commandTimeout} (default 200ms), after which the cache
 * treats Redis as away.
 */
public final class CacheRedis implements AutoCloseable {

    private final RedisLink link;
    private final String displayUri;

    private CacheRedis(Builder b) {
        this.displayUri = RedisUris.withoutPassword(b.uri);
        RedisURI uri = RedisUris.parse(b.uri, displayUri);
        uri.setTimeout(b.commandTimeout);
        boolean ownsResources = b.resources == null;
        ClientResources resources = ownsResources
                ? DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2)
                        .reconnectDelay(Delay.exponential(Duration.ofMillis(20), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                        .build()
                : b.resources;
        boolean ownsCommands = b.commands == null;
        RedisConnections commands = ownsCommands
                ? RedisConnections.builder().uri(b.uri).commandTimeout(b.commandTimeout).connectTimeout(b.connectTimeout)
                        .clientResources(resources).build()
                : b.commands;
        this.link = new RedisLink(commands, ownsCommands, uri, b.connectTimeout, resources, ownsResources);
        // Open the command connection now, on the building thread: opened lazily, the first concurrent
        // callers would find another one connecting, fail fast, and mark the L2 degraded for a backoff.
        // Redis down at build time is fine: caches start degraded and connect when it answers.
        try {
            link.commands();
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(CacheRedis.class).debug("Redis at {} is not reachable yet: {}",
                    link.displayUri(), e.toString());
        }
    }

    /** Connections to {@code uri} with the default timeouts. */
    public static CacheRedis connect(String uri) {
        return builder().uri(uri).build();
    }

    /** A builder; {@link Builder#uri} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** The server, without its password. */
    public String displayUri() {
        return displayUri;
    }

    /** Whether the invalidation bus is connected. */
    public boolean busConnected() {
        return link.busConnected();
    }

    RedisLink link() {
        return link;
    }

    /** Closes the connections (and the command connections too, unless they were given by {@link Builder#commands}). */
    @Override
    public void close() {
        link.close();
    }

    @Override
    public String toString() {
        return "CacheRedis[" + displayUri + "]";
    }

    /** Builds {@link CacheRedis}; each setter validates at once. */
    public static final class Builder {
        private String uri;
        private Duration commandTimeout = Duration.ofMillis(200);
        private Duration connectTimeout = Duration.ofSeconds(1);
        private RedisConnections commands;
        private ClientResources resources;

        private Builder() {
        }

        /**
         * The server: {@code redis://[[user]:password@]host[:port][/database]} or {@code rediss://}.
         *
         * @throws IllegalArgumentException naming the URI (without its password) and what is wrong
         */
        public Builder uri(String value) {
            Objects.requireNonNull(value, "uri");
            RedisUris.parse(value, RedisUris.withoutPassword(value));
            this.uri = value;
            return this;
        }

        /** How long one command may take (default 200ms); must be > 0. */
        public Builder commandTimeout(Duration value) {
            this.commandTimeout = positive("commandTimeout", value);
            return this;
        }

        /** How long opening a connection may take (default 1s); must be > 0. */
        public Builder connectTimeout(Duration value) {
            this.connectTimeout = positive("connectTimeout", value);
            return this;
        }

        /**
         * Command connections to share with other modules (a rate limiter, locks) instead of
         * opening new ones; they must point at {@link #uri}, and stay open after {@link #close()}.
         */
        public Builder commands(RedisConnections value) {
            this.commands = Objects.requireNonNull(value, "commands");
            return this;
        }

        /** Lettuce's event loops to share; by default a small set of its own (2 threads). */
        public Builder clientResources(ClientResources value) {
            this.resources = Objects.requireNonNull(value, "clientResources");
            return this;
        }

        /** @throws IllegalStateException when no URI was given */
        public CacheRedis build() {
            if (uri == null) {
                throw new IllegalStateException("uri is required, e.g. redis://127.0.0.1:6379");
            }
            return new CacheRedis(this);
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
