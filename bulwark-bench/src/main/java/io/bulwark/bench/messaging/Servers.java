package io.bulwark.bench.messaging;

import io.bulwark.messaging.kafka.KafkaServer;
import io.bulwark.messaging.sqs.ElasticMq;

import java.util.List;

/**
 * Where each broker of the harness is: Redis, NATS and RabbitMQ on their local servers' default
 * ports; Kafka and SQS in this JVM, started on first use by the launchers of their modules' tests
 * ({@link KafkaServer}, a KRaft broker; {@link ElasticMq}, an SQS server), so the harness needs no
 * server of theirs installed. {@link #close()} stops the Kafka broker and deletes its files
 * (ElasticMQ runs on daemon threads and ends with the JVM).
 */
final class Servers implements AutoCloseable {

    /** A broker's type (as {@code messaging.connections.*.type}) and URL. */
    record Server(String type, String url) {
    }

    static final List<String> KNOWN = List.of("redis", "nats", "rabbitmq", "kafka", "sqs");

    private KafkaServer kafka;

    static void requireKnown(String name) {
        if (!KNOWN.contains(name)) {
            throw new IllegalArgumentException("--brokers: unknown broker '" + name + "'; known: " + KNOWN);
        }
    }

    Server get(String name) {
        return switch (name) {
            case "redis" -> new Server("redis-streams", "redis://127.0.0.1:6379");
            case "nats" -> new Server("nats", "nats://127.0.0.1:4222");
            case "rabbitmq" -> new Server("rabbitmq", "amqp://guest:guest@127.0.0.1:5672");
            case "kafka" -> {
                if (kafka == null) {
                    kafka = KafkaServer.start();
                }
                yield new Server("kafka", kafka.url());
            }
            case "sqs" -> new Server("sqs", ElasticMq.url());
            default -> {
                requireKnown(name);
                throw new AssertionError(name); // every known name has its case
            }
        };
    }

    @Override
    public void close() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }
}
