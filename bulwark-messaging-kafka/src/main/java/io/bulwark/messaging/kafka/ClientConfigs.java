package io.bulwark.messaging.kafka;

import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The kafka-clients settings of a broker's admin client, producer, consumers and dead-letter reader:
 * where the cluster is and how to log in (from the URL), what the caller added as client
 * properties, and what Bulwark's semantics need, which the caller may not change.
 */
final class ClientConfigs {

    /** SASL mechanisms a URL with a user may log in with. */
    static final Set<String> MECHANISMS = Set.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512");

    /** Settings Bulwark sets itself: a client property may not change them. */
    static final Set<String> OWNED = Set.of("bootstrap.servers", "security.protocol", "sasl.mechanism", "sasl.jaas.config",
            "client.id", "group.id", "group.instance.id", "group.protocol", "enable.auto.commit", "auto.offset.reset",
            "key.serializer", "value.serializer", "key.deserializer", "value.deserializer", "enable.idempotence", "acks",
            "session.timeout.ms", "heartbeat.interval.ms", "max.poll.records", "partition.assignment.strategy",
            "allow.auto.create.topics", "transactional.id", "max.request.size");

    private final KafkaUrl url;
    private final String mechanism;
    private final Map<String, String> extra;
    private final Duration timeout;

    ClientConfigs(KafkaUrl url, String mechanism, Map<String, String> extra, Duration timeout) {
        this.url = url;
        this.mechanism = mechanism;
        this.extra = Map.copyOf(extra);
        this.timeout = timeout;
    }

    private Map<String, Object> common(String clientId) {
        Map<String, Object> c = new HashMap<>(extra);
        c.put("bootstrap.servers", url.bootstrapServers());
        c.put("security.protocol", url.securityProtocol());
        c.put("client.id", clientId);
        c.putIfAbsent("reconnect.backoff.max.ms", "1000");
        c.putIfAbsent("request.timeout.ms", Long.toString(timeout.toMillis()));
        c.putIfAbsent("default.api.timeout.ms", Long.toString(timeout.toMillis()));
        if (url.user() != null) {
            c.put("sasl.mechanism", mechanism);
            String module = mechanism.equals("PLAIN") ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                    : "org.apache.kafka.common.security.scram.ScramLoginModule";
            c.put("sasl.jaas.config", module + " required username=\"" + jaas(url.user()) + "\" password=\""
                    + jaas(url.password()) + "\";");
        }
        return c;
    }

    Map<String, Object> admin(String clientId) {
        return common(clientId);
    }

    Map<String, Object> producer(String clientId) {
        Map<String, Object> c = common(clientId);
        c.put("acks", "all");
        c.put("enable.idempotence", "true");
        c.put("max.request.size", Integer.toString(Topics.MAX_RECORD_BYTES + 4096));
        c.putIfAbsent("linger.ms", "1");
        c.putIfAbsent("max.block.ms", Long.toString(timeout.toMillis()));
        long request = Long.parseLong(c.get("request.timeout.ms").toString());
        long linger = Long.parseLong(c.get("linger.ms").toString());
        // Kafka refuses a delivery timeout shorter than linger plus request timeout.
        c.putIfAbsent("delivery.timeout.ms", Long.toString(Math.max(timeout.toMillis(), request + linger)));
        return c;
    }

    /** A member of {@code groupId}: manual commits, from the earliest offset kept, cooperative rebalancing. */
    Map<String, Object> member(String clientId, String groupId, Duration session, int prefetch) {
        Map<String, Object> c = common(clientId);
        c.put("group.id", groupId);
        c.put("group.protocol", "classic");
        c.put("partition.assignment.strategy", CooperativeStickyAssignor.class.getName());
        c.put("enable.auto.commit", "false");
        c.put("auto.offset.reset", "earliest");
        c.put("allow.auto.create.topics", "false");
        c.put("session.timeout.ms", Long.toString(session.toMillis()));
        c.put("heartbeat.interval.ms", Long.toString(Math.max(50, session.toMillis() / 3)));
        c.put("max.poll.records", Integer.toString(prefetch));
        c.putIfAbsent("max.poll.interval.ms", "300000");
        return c;
    }

    /** A reader of dead letters: no group, nothing committed. */
    Map<String, Object> reader(String clientId) {
        Map<String, Object> c = common(clientId);
        c.put("enable.auto.commit", "false");
        c.put("allow.auto.create.topics", "false");
        c.put("auto.offset.reset", "earliest");
        return c;
    }

    /** A value inside a JAAS quoted string. */
    private static String jaas(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
