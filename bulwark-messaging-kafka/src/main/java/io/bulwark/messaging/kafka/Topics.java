package io.bulwark.messaging.kafka;

import io.bulwark.messaging.MessagingException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The Kafka topics and consumer groups behind a Bulwark topic and group, and their creation.
 *
 * <p>Names. Topic and group names may hold {@code .} and {@code _}, and Kafka takes {@code .} and
 * {@code _} for the same character when it checks topic names for collisions. So inside Kafka
 * topic names both are escaped ({@code _} → {@code __}, {@code .} → {@code _o}): an escaped name
 * has no dot, and the dot after it starts a suffix no topic can have: {@code <prefix><topic>} is
 * the topic, {@code .delay} its delayed messages, {@code .dead} its dead letters, and
 * {@code .retry.<group>} a group's retries. A name longer than Kafka's 249 characters keeps its
 * first 232 and ends with 16 hex digits of its SHA-256. A consumer group is
 * {@code <prefix><topic>:<group>} unescaped (group ids may hold any character, and {@code :} is
 * in no topic or group name).
 */
final class Topics {

    /** The most characters Kafka allows in a topic name. */
    static final int MAX_NAME = 249;
    /** Topic-level {@code max.message.bytes}: room for the largest message and Bulwark's headers. */
    static final int MAX_RECORD_BYTES = (1 << 20) + (128 << 10);

    private final Admin admin;
    private final String prefix;
    private final int partitions;
    private final Optional<Short> replicationFactor;
    private final Duration maxDelay;
    private final Duration deadRetention;
    private final Duration timeout;
    private final Set<String> created = ConcurrentHashMap.newKeySet();

    Topics(Admin admin, String prefix, int partitions, Optional<Short> replicationFactor, Duration maxDelay,
           Duration deadRetention, Duration timeout) {
        this.admin = admin;
        this.prefix = prefix;
        this.partitions = partitions;
        this.replicationFactor = replicationFactor;
        this.maxDelay = maxDelay;
        this.deadRetention = deadRetention;
        this.timeout = timeout;
    }

    /** {@code _} → {@code __}, {@code .} → {@code _o}: no dot, and no two names meet, not even as Kafka compares them. */
    static String escape(String name) {
        return name.replace("_", "__").replace(".", "_o");
    }

    /** {@code name}, or when longer than Kafka allows, its first part and a hash of the whole. */
    static String fit(String name) {
        if (name.length() <= MAX_NAME) {
            return name;
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            return name.substring(0, MAX_NAME - 17) + "-" + HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is in every JDK", e);
        }
    }

    String main(String topic) {
        return fit(prefix + escape(topic));
    }

    String delay(String topic) {
        return fit(prefix + escape(topic) + ".delay");
    }

    String dead(String topic) {
        return fit(prefix + escape(topic) + ".dead");
    }

    String retry(String topic, String group) {
        return fit(prefix + escape(topic) + ".retry." + escape(group));
    }

    /** The Kafka consumer group of {@code group} on {@code topic}. */
    String groupId(String topic, String group) {
        return prefix + topic + ":" + group;
    }

    /** The topics a publish to {@code topic} may write. */
    void ensureTopic(String topic) {
        ensure(List.of(main(topic), delay(topic)), topic);
    }

    /** Every topic a group of {@code topic} reads or writes. */
    void ensureGroup(String topic, String group) {
        ensure(List.of(main(topic), delay(topic), retry(topic, group), dead(topic)), topic);
    }

    void ensureDead(String topic) {
        ensure(List.of(dead(topic)), topic);
    }

    /** Creates those of {@code names} not known to exist; one that exists already is kept as it is. */
    private void ensure(List<String> names, String topic) {
        Set<String> missing = new LinkedHashSet<>();
        for (String n : names) {
            if (!created.contains(n)) {
                missing.add(n);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        List<NewTopic> news = new ArrayList<>();
        for (String n : missing) {
            news.add(newTopic(n, topic));
        }
        CreateTopicsResult result = admin.createTopics(news);
        try {
            for (var e : result.values().entrySet()) {
                try {
                    e.getValue().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException ex) {
                    if (!(ex.getCause() instanceof TopicExistsException)) {
                        throw new MessagingException("cannot create the Kafka topic " + e.getKey(), ex.getCause());
                    }
                }
            }
            awaitLeaders(result.values().keySet());
            created.addAll(result.values().keySet());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MessagingException("interrupted while creating the topics of " + topic, e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new MessagingException("the Kafka topics of " + topic + " were not created within " + timeout.toMillis() + " ms",
                    e);
        }
    }

    /**
     * Waits until every partition of {@code names} has a leader: a topic the controller has created
     * may not be writable yet, and a producer that asks for it meanwhile can wait out its whole
     * delivery timeout before it looks again. Asked every 50 ms, for at most {@code timeout}.
     */
    private void awaitLeaders(Set<String> names) throws InterruptedException, java.util.concurrent.TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                Map<String, org.apache.kafka.clients.admin.TopicDescription> described = admin.describeTopics(names)
                        .allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                boolean ready = described.values().stream().flatMap(d -> d.partitions().stream())
                        .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
                if (ready && described.keySet().containsAll(names)) {
                    return;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw new MessagingException("cannot describe the Kafka topics " + names, e.getCause());
                }
            }
            if (System.nanoTime() > deadline) {
                throw new java.util.concurrent.TimeoutException("the partitions of " + names + " have no leader yet");
            }
            Thread.sleep(50); // the controller elects within milliseconds; a bounded wait for it, not a test's
        }
    }

    private NewTopic newTopic(String name, String topic) {
        boolean dead = name.equals(dead(topic));
        // Dead letters: one partition, so they read and redrive oldest first.
        NewTopic t = new NewTopic(name, Optional.of(dead ? 1 : partitions), replicationFactor);
        String retention;
        if (dead) {
            retention = Long.toString(deadRetention.toMillis());
        } else if (name.equals(main(topic))) {
            retention = null; // the cluster's default
        } else {
            // Delayed and retried messages wait here: kept a day longer than the longest delay.
            retention = Long.toString(maxDelay.plusDays(1).toMillis());
        }
        Map<String, String> configs = new java.util.HashMap<>();
        configs.put("max.message.bytes", Integer.toString(MAX_RECORD_BYTES));
        if (retention != null) {
            configs.put("retention.ms", retention);
        }
        return t.configs(configs);
    }

    /** True when the Kafka topic {@code name} exists (asked of the cluster until it does). */
    boolean exists(String name) {
        if (created.contains(name)) {
            return true;
        }
        try {
            admin.describeTopics(List.of(name)).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            created.add(name);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return false;
            }
            throw new MessagingException("cannot look up the Kafka topic " + name, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MessagingException("interrupted while looking up the Kafka topic " + name, e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new MessagingException("the Kafka topic " + name + " was not described within " + timeout.toMillis()
                    + " ms", e);
        }
    }

    /** Forgets what was created, so the next use checks again (a topic deleted under a running broker). */
    void forget() {
        created.clear();
    }
}
