package io.bulwark.messaging.rabbitmq;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What tests declared on the local RabbitMQ, deleted when their class is done, so runs leave no
 * quorum queues behind: every queue and exchange the tracked brokers remember declaring, and
 * those of each topic and group named (a broker forgets a topic's names after a failure).
 */
final class Declared {

    private final List<RabbitMqBroker> brokers = new CopyOnWriteArrayList<>();
    private final Set<String> queues = ConcurrentHashMap.newKeySet();
    private final Set<String> exchanges = ConcurrentHashMap.newKeySet();
    private Connection admin;

    RabbitMqBroker track(RabbitMqBroker b) {
        brokers.add(b);
        return b;
    }

    void topic(Topology t, String topic, String... groups) {
        exchanges.add(t.exchange(topic));
        queues.add(t.deadQueue(topic));
        for (String g : groups) {
            queues.add(t.groupQueue(topic, g));
        }
    }

    /** How many messages are ready in {@code queue}, asked over a connection of the tests' own. */
    synchronized long messagesIn(String queue) throws Exception {
        if (admin == null || !admin.isOpen()) {
            admin = new ConnectionFactory().newConnection("bulwark-test-admin");
        }
        try (Channel ch = admin.createChannel()) {
            return ch.queueDeclarePassive(queue).getMessageCount();
        }
    }

    /** Deletes everything named, and closes the tests' connection. */
    synchronized void deleteAll() throws Exception {
        for (RabbitMqBroker b : brokers) {
            queues.addAll(b.topology().queues());
            exchanges.addAll(b.topology().exchanges());
        }
        try (Connection admin = new ConnectionFactory().newConnection("bulwark-test-cleanup")) {
            for (String q : queues) {
                try (Channel ch = admin.createChannel()) {
                    ch.queueDelete(q);
                }
            }
            for (String e : exchanges) {
                try (Channel ch = admin.createChannel()) {
                    ch.exchangeDelete(e);
                }
            }
        }
        brokers.clear();
        queues.clear();
        exchanges.clear();
        if (admin != null) {
            admin.close();
            admin = null;
        }
    }
}
