package io.bulwark.messaging.rabbitmq;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ShutdownSignalException;
import io.bulwark.messaging.MessagingException;

import java.io.IOException;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The exchanges and queues of a broker, their names, and declaring them (idempotently, and once per
 * broker: what was declared is remembered).
 *
 * <pre>
 * bulwark.orders                          fanout exchange: the topic
 * bulwark.orders:billing                  the group billing: quorum (or classic with x-max-priority 9)
 * bulwark.orders:billing:retry:2000       billing's retries after 2 s: classic, TTL, dead-letters to the group
 * bulwark.orders.delay.1500               messages delayed 1.5 s: classic, TTL, dead-letters to the topic
 * bulwark.orders.dead                     the topic's dead letters: classic
 * </pre>
 *
 * <p>Why ':' between topic and group: topics and groups may contain '.', so with a dot the group
 * {@code b.c} of topic {@code a} and the group {@code c} of topic {@code a.b} would share one queue
 * (and a group named {@code dead} would be the dead letters). Names have no ':', so every queue
 * of a group has one and no other queue has any, and the two are told apart from the right
 * (a delay queue ends in digits, the dead letters in {@code .dead}).
 *
 * <p>Delay and retry queues expire {@link #EXPIRY_MARGIN_MS} after their TTL once unused (a
 * declaration renews the lease; messages in them do not), so a delay no longer used leaves no
 * queue behind. They are declared again before a publish when their last declaration is older
 * than half that margin, so a queue cannot expire under a message just published to it.
 */
final class Topology {

    /** How much longer than its TTL an unused delay or retry queue lives. */
    static final long EXPIRY_MARGIN_MS = 60_000;
    /** Queue names are AMQP short strings: at most 255 bytes. */
    private static final int MAX_NAME = 255;
    /** The longest delay or retry a queue is made for: 365 days, rounded up (11 digits). */
    static final long MAX_DELAY_MS = Delays.roundUp(java.time.Duration.ofDays(365));
    private static final int RETRY_SUFFIX = ":retry:".length() + Long.toString(MAX_DELAY_MS).length();

    private final String prefix;
    private final boolean priorities;
    private final InstantSource clock;
    private final Set<String> exchanges = ConcurrentHashMap.newKeySet();
    private final Set<String> declared = ConcurrentHashMap.newKeySet();
    private final Map<String, Long> expiring = new ConcurrentHashMap<>();

    Topology(String prefix, boolean priorities, InstantSource clock) {
        this.prefix = prefix;
        this.priorities = priorities;
        this.clock = clock;
    }

    String exchange(String topic) {
        return prefix + topic;
    }

    String groupQueue(String topic, String group) {
        return prefix + topic + ":" + group;
    }

    String retryQueue(String topic, String group, long ms) {
        return groupQueue(topic, group) + ":retry:" + ms;
    }

    String delayQueue(String topic, long ms) {
        return prefix + topic + ".delay." + ms;
    }

    String deadQueue(String topic) {
        return prefix + topic + ".dead";
    }

    /** What kind the groups' queues are, for messages. */
    String kind() {
        return priorities ? "classic with x-max-priority 9" : "quorum";
    }

    /** Refuses a topic and group whose queue names would not fit in 255 bytes, naming the group. */
    void requireFits(String topic, String group) {
        int most = MAX_NAME - RETRY_SUFFIX - prefix.length() - 1;
        if (topic.length() + group.length() > most) {
            throw new IllegalArgumentException("group: on rabbitmq a topic and group may have at most " + most
                    + " characters together (a queue name has at most 255 bytes) but '" + topic + "' and '" + group
                    + "' have " + (topic.length() + group.length()));
        }
    }

    /** The topic's exchange. */
    void declareTopic(Channel ch, String topic) throws IOException {
        String name = exchange(topic);
        if (!exchanges.contains(name)) {
            ch.exchangeDeclare(name, "fanout", true, false, null);
            exchanges.add(name);
        }
    }

    /** The topic's exchange, the group's queue bound to it, and the topic's dead letters. */
    void declareGroup(Channel ch, String topic, String group) throws IOException {
        declareTopic(ch, topic);
        String name = groupQueue(topic, group);
        if (!declared.contains(name)) {
            Map<String, Object> args = new HashMap<>();
            if (priorities) {
                args.put("x-queue-type", "classic");
                args.put("x-max-priority", 9);
            } else {
                args.put("x-queue-type", "quorum");
            }
            queue(ch, name, args, kind());
            ch.queueBind(name, exchange(topic), "");
            declared.add(name);
        }
        declareDead(ch, topic);
    }

    /**
     * The topic's dead letters: classic, so that reading them (a get, then a requeue) never counts
     * as a delivery towards a quorum queue's delivery limit (RabbitMQ 4 drops a message returned
     * 20 times by default).
     */
    void declareDead(Channel ch, String topic) throws IOException {
        String name = deadQueue(topic);
        if (!declared.contains(name)) {
            queue(ch, name, Map.of("x-queue-type", "classic"), "classic");
            declared.add(name);
        }
    }

    /** The queue holding the topic's messages delayed {@code ms}, which dead-letters them to the topic. */
    void declareDelay(Channel ch, String topic, long ms) throws IOException {
        declareTopic(ch, topic);
        expiringQueue(ch, delayQueue(topic, ms), ms, Map.of("x-dead-letter-exchange", exchange(topic)));
    }

    /** The queue holding the group's retries after {@code ms}, which dead-letters them to the group's queue. */
    void declareRetry(Channel ch, String topic, String group, long ms) throws IOException {
        expiringQueue(ch, retryQueue(topic, group, ms), ms,
                Map.of("x-dead-letter-exchange", "", "x-dead-letter-routing-key", groupQueue(topic, group)));
    }

    /**
     * A classic queue whose messages wait {@code ms} and are dead-lettered on. Classic, not quorum:
     * these queues come and go with the delays in use, and each quorum queue is a Raft group with a
     * log of its own, too heavy to make and drop per delay.
     */
    private void expiringQueue(Channel ch, String name, long ms, Map<String, Object> deadLettering) throws IOException {
        long now = clock.millis();
        Long at = expiring.get(name);
        if (at != null && now - at < EXPIRY_MARGIN_MS / 2) {
            return;
        }
        Map<String, Object> args = new HashMap<>(deadLettering);
        args.put("x-queue-type", "classic");
        args.put("x-message-ttl", ms);
        args.put("x-expires", ms + EXPIRY_MARGIN_MS);
        queue(ch, name, args, "classic with a TTL of " + ms + " ms");
        expiring.put(name, now);
    }

    private static void queue(Channel ch, String name, Map<String, Object> args, String kind) throws IOException {
        try {
            ch.queueDeclare(name, true, false, false, args);
        } catch (IOException e) {
            if (e.getCause() instanceof ShutdownSignalException s && String.valueOf(s.getReason()).contains("PRECONDITION_FAILED")) {
                throw new MessagingException("the queue " + name + " exists with other arguments than this broker's (" + kind
                        + "); delete it or configure the broker as it was (priorities on or off): " + s.getMessage(), e);
            }
            throw e;
        }
    }

    /** Forgets what was declared for {@code topic}, so that its next use declares again (after a failure). */
    void forget(String topic) {
        String exchange = exchange(topic);
        exchanges.remove(exchange);
        declared.removeIf(n -> n.startsWith(exchange + ":") || n.equals(deadQueue(topic)));
        expiring.keySet().removeIf(n -> n.startsWith(exchange + ":") || n.startsWith(exchange + ".delay."));
    }

    /** For tests: the exchanges this broker declared. */
    Set<String> exchanges() {
        return Set.copyOf(exchanges);
    }

    /** For tests: the queues this broker declared. */
    Set<String> queues() {
        Set<String> all = new java.util.HashSet<>(declared);
        all.addAll(expiring.keySet());
        return all;
    }
}
