package io.bulwark.cache.internal;

import io.bulwark.redis.RedisConnections;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redis side of {@link io.bulwark.cache.CacheRedis}: commands through a shared, fast-failing
 * {@link RedisConnections}, and one pub/sub connection on which every cache of this node listens
 * to its channel.
 *
 * <p>Design notes. Commands fail at once while Redis is away (RedisConnections turns Lettuce's
 * reconnection off), so each cache's {@link Failover} decides when to try again. The pub/sub
 * connection instead reconnects by itself (Lettuce, with a short capped back-off) and subscribes
 * again; each resubscription is reported to the cache, which then empties its L1, since the
 * messages sent meanwhile are lost. Opening is lazy and never fails a caller: when Redis is down
 * at start, the first successful command of a cache calls {@link #ensureBus()}.
 */
public final class RedisLink implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisLink.class);

    /** What a cache hears on its channel. */
    public interface Subscriber {
        /** One message (on a Lettuce event loop: must not block). */
        void message(String text);

        /** The subscription is (again) in place: messages sent before may have been missed. */
        void subscribed();
    }

    private final RedisConnections commands;
    private final boolean ownsCommands;
    private final RedisClient pubSubClient;
    private final ClientResources resources;
    private final boolean ownsResources;
    private final ReentrantLock busLock = new ReentrantLock();
    private final Map<String, List<Subscriber>> subscribers = new ConcurrentHashMap<>();
    private volatile StatefulRedisPubSubConnection<String, String> pubSub;
    private volatile boolean closed;

    /**
     * @param commands the command connections ({@code ownsCommands}: closed with this link)
     * @param uri the server, for the pub/sub connection
     * @param resources Lettuce's event loops ({@code ownsResources}: shut down with this link)
     */
    public RedisLink(RedisConnections commands, boolean ownsCommands, RedisURI uri, Duration connectTimeout,
                     ClientResources resources, boolean ownsResources) {
        this.commands = commands;
        this.ownsCommands = ownsCommands;
        this.resources = resources;
        this.ownsResources = ownsResources;
        this.pubSubClient = RedisClient.create(resources, uri);
        this.pubSubClient.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(connectTimeout).build())
                .build());
    }

    /** The commands of the shared connection, opened now if needed; throws when Redis cannot be reached. */
    public RedisCommands<String, String> commands() {
        return commands.connection().sync();
    }

    /** The server, without its password. */
    public String displayUri() {
        return commands.displayUri();
    }

    /** Listens on {@code channel}; opens the pub/sub connection if it can (a failure is retried by {@link #ensureBus()}). */
    public void subscribe(String channel, Subscriber subscriber) {
        subscribers.computeIfAbsent(channel, c -> new CopyOnWriteArrayList<>()).add(subscriber);
        busLock.lock(); // at build time: wait for a concurrent opening rather than miss it
        try {
            openBus();
        } finally {
            busLock.unlock();
        }
        subscribeQuietly(channel);
    }

    /** Stops {@code subscriber} listening on {@code channel}. */
    public void unsubscribe(String channel, Subscriber subscriber) {
        List<Subscriber> list = subscribers.get(channel);
        if (list == null || !list.remove(subscriber) || !list.isEmpty()) {
            return;
        }
        subscribers.remove(channel, list);
        StatefulRedisPubSubConnection<String, String> c = pubSub;
        if (c != null && c.isOpen()) {
            try {
                c.async().unsubscribe(channel);
            } catch (RuntimeException e) {
                LOG.debug("Unsubscribing from {} failed; the connection closes with the link", channel, e);
            }
        }
    }

    /** Whether the pub/sub connection is up (messages from other nodes arrive). */
    public boolean busConnected() {
        StatefulRedisPubSubConnection<String, String> c = pubSub;
        return c != null && c.isOpen();
    }

    /**
     * Opens the pub/sub connection if it was never opened, and subscribes again to every channel
     * (a no-op for Redis where already subscribed; it makes sure a subscription lost with a failed
     * command is back). Called when a cache finds Redis answering again.
     */
    public void ensureBus() {
        if (!busLock.tryLock()) {
            return; // another caller is opening it
        }
        try {
            openBus();
        } finally {
            busLock.unlock();
        }
    }

    private void openBus() {
        try {
            if (pubSub == null && !closed) {
                StatefulRedisPubSubConnection<String, String> c = pubSubClient.connectPubSub();
                c.addListener(new RedisPubSubAdapter<>() {
                    @Override
                    public void message(String channel, String message) {
                        dispatch(channel, s -> s.message(message));
                    }

                    @Override
                    public void subscribed(String channel, long count) {
                        dispatch(channel, Subscriber::subscribed);
                    }
                });
                pubSub = c;
            }
        } catch (RuntimeException e) {
            LOG.debug("The invalidation bus to {} is not open yet: {}", displayUri(), e.toString());
        }
    }

    /** Subscribes again to every channel (see {@link #ensureBus()}). */
    public void resubscribe() {
        ensureBus();
        subscribers.keySet().forEach(this::subscribeQuietly);
    }

    private void subscribeQuietly(String channel) {
        StatefulRedisPubSubConnection<String, String> c = pubSub;
        if (c == null) {
            return;
        }
        try {
            c.sync().subscribe(channel);
        } catch (RuntimeException e) {
            LOG.debug("Subscribing to {} failed; tried again when Redis answers: {}", channel, e.toString());
        }
    }

    private void dispatch(String channel, java.util.function.Consumer<Subscriber> action) {
        List<Subscriber> list = subscribers.get(channel);
        if (list == null) {
            return;
        }
        for (Subscriber s : list) {
            try {
                action.accept(s);
            } catch (RuntimeException e) {
                LOG.warn("A cache failed to apply a message on {}; its L1 may keep a stale entry until it expires", channel, e);
            }
        }
    }

    @Override
    public void close() {
        busLock.lock();
        try {
            closed = true;
            if (pubSub != null) {
                pubSub.close();
                pubSub = null;
            }
        } finally {
            busLock.unlock();
        }
        pubSubClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        if (ownsCommands) {
            commands.close();
        }
        if (ownsResources) {
            resources.shutdown(0, 2, java.util.concurrent.TimeUnit.SECONDS);
        }
    }
}
