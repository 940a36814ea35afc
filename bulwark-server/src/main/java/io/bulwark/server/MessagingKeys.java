package io.bulwark.server;

import io.bulwark.core.config.ConfigKey;
import io.bulwark.core.config.Secret;
import io.bulwark.core.config.ValueTypes;

import java.util.List;

/**
 * Config keys of messaging: broker connections ({@code messaging.connections.<name>.*}) and
 * bridges that turn a topic's messages into jobs or pipeline runs ({@code messaging.bridges.<name>.*}).
 */
public final class MessagingKeys {

    public static final String CONNECTIONS = "messaging.connections.";
    public static final String BRIDGES = "messaging.bridges.";

    public static final ConfigKey<String> TYPE = ConfigKey.builder("messaging.connections.*.type",
                    ValueTypes.oneOf("redis-streams", "rabbitmq", "kafka", "sqs", "nats"))
            .description("The broker: redis-streams, rabbitmq, kafka, sqs or nats (its module must be installed; "
                    + "the distribution has all five); setting it declares the connection.").build();

    public static final ConfigKey<Secret> URL = ConfigKey.builder("messaging.connections.*.url", ValueTypes.secret())
            .description("The broker's URL, e.g. redis://127.0.0.1:6379, amqp://guest:guest@127.0.0.1:5672/, nats://127.0.0.1:4222, kafka://127.0.0.1:9092 or sqs://eu-west-1; a password in it is "
                    + "a secret (give it as env:NAME or file:/path).").build();

    public static final ConfigKey<String> BRIDGE_CONNECTION = ConfigKey.builder("messaging.bridges.*.connection",
                    ValueTypes.string())
            .description("The connection the bridge consumes from; setting it declares the bridge.").build();

    public static final ConfigKey<String> BRIDGE_TOPIC = ConfigKey.builder("messaging.bridges.*.topic", ValueTypes.string())
            .description("The topic it consumes.").build();

    public static final ConfigKey<String> BRIDGE_GROUP = ConfigKey.builder("messaging.bridges.*.group", ValueTypes.string())
            .description("Its consumer group (default: the bridge's name); every node running the bridge shares it.").build();

    public static final ConfigKey<String> BRIDGE_QUEUE = ConfigKey.builder("messaging.bridges.*.queue", ValueTypes.string())
            .description("The queue of the job each message becomes (default default).").build();

    public static final ConfigKey<String> BRIDGE_JOB_TYPE = ConfigKey.builder("messaging.bridges.*.type", ValueTypes.string())
            .description("The handler type of the job each message becomes; or set pipeline instead.").build();

    public static final ConfigKey<String> BRIDGE_PIPELINE = ConfigKey.builder("messaging.bridges.*.pipeline",
                    ValueTypes.string())
            .description("The pipeline each message starts a run of (its latest version), instead of a job.").build();

    public static final ConfigKey<Integer> BRIDGE_CONCURRENCY = ConfigKey.builder("messaging.bridges.*.concurrency",
                    ValueTypes.integer(1, 256))
            .description("Messages enqueued at once per node (default 4).").build();

    public static final ConfigKey<Integer> BRIDGE_MAX_DELIVERIES = ConfigKey.builder("messaging.bridges.*.maxDeliveries",
                    ValueTypes.integer(1, 1000))
            .description("Deliveries before a message that cannot be enqueued goes to the dead letters (default 5).").build();

    public static final ConfigKey<java.time.Duration> BRIDGE_CLAIM_AFTER = ConfigKey.builder("messaging.bridges.*.claimAfter",
                    ValueTypes.duration(java.time.Duration.ofMillis(100), java.time.Duration.ofHours(12)))
            .description("How long a message a node took but did not acknowledge (it died) waits before another node "
                    + "takes it (default 30s).").build();

    public static final List<ConfigKey<?>> ALL = List.of(TYPE, URL, BRIDGE_CONNECTION, BRIDGE_TOPIC, BRIDGE_GROUP,
            BRIDGE_QUEUE, BRIDGE_JOB_TYPE, BRIDGE_PIPELINE, BRIDGE_CONCURRENCY, BRIDGE_MAX_DELIVERIES, BRIDGE_CLAIM_AFTER);

    private MessagingKeys() {
    }

    /** The name in a concrete key: {@code orders} in {@code messaging.bridges.orders.topic}. */
    static String nameIn(String key, String prefix) {
        String rest = key.substring(prefix.length());
        return rest.substring(0, rest.indexOf('.'));
    }

    /** The concrete key of {@code pattern} for {@code name}. */
    public static String keyOf(ConfigKey<?> pattern, String name) {
        return pattern.name().replace("*", name);
    }

    /** The names {@code pattern} is set for. */
    public static List<String> names(io.bulwark.core.config.BulwarkConfig config, ConfigKey<?> pattern, String prefix) {
        return config.getAll(pattern).keySet().stream().map(k -> nameIn(k, prefix)).sorted().toList();
    }
}
