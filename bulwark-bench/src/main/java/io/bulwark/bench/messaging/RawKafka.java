package io.bulwark.bench.messaging;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * kafka-clients with the settings {@code KafkaBroker} gives them: a producer with {@code acks=all},
 * idempotence, {@code linger.ms=1} and the default 16 KiB batches, each batch sent and every send
 * awaited, each record with its id as the header {@code id} and the publish time as its
 * timestamp; topics of 6 partitions (KafkaBroker's default); a consumer in a group (classic protocol,
 * cooperative-sticky, {@code max.poll.records} the prefetch, from the earliest offset) whose poll
 * hands its records to {@code concurrency} handler threads and, once they are handled, commits
 * their offsets (asynchronously; the poll loop goes on), as an at-least-once application would.
 */
final class RawKafka implements RawClient {

    /** As KafkaBroker's default partitions. */
    static final int PARTITIONS = 6;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final String bootstrap;
    private final Admin admin;
    private final KafkaProducer<byte[], byte[]> producer;

    private final boolean bare;

    RawKafka(String url, boolean bare) {
        this.bare = bare;
        this.bootstrap = url.substring("kafka://".length());
        this.admin = Admin.create(Map.of("bootstrap.servers", bootstrap));
        Map<String, Object> p = new HashMap<>();
        p.put("bootstrap.servers", bootstrap);
        p.put("client.id", "bench-raw-producer");
        p.put("acks", "all");
        p.put("enable.idempotence", "true");
        p.put("linger.ms", "1");
        p.put("batch.size", "16384");
        p.put("request.timeout.ms", Long.toString(TIMEOUT.toMillis()));
        p.put("max.block.ms", Long.toString(TIMEOUT.toMillis()));
        p.put("delivery.timeout.ms", Long.toString(TIMEOUT.toMillis() + 1));
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static String kafkaTopic(String topic) {
        return "raw." + topic;
    }

    @Override
    public void publish(String topic, List<byte[]> bodies) throws Exception {
        List<Future<RecordMetadata>> sent = new ArrayList<>(bodies.size());
        for (byte[] b : bodies) {
            if (bare) {
                sent.add(producer.send(new ProducerRecord<>(kafkaTopic(topic), b)));
            } else {
                RecordHeaders h = new RecordHeaders();
                h.add("id", RawClient.newId().getBytes(StandardCharsets.UTF_8));
                sent.add(producer.send(new ProducerRecord<>(kafkaTopic(topic), null, System.currentTimeMillis(), null, b, h)));
            }
        }
        for (Future<RecordMetadata> f : sent) {
            f.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void declare(String topic, String group) throws Exception {
        try {
            admin.createTopics(List.of(new NewTopic(kafkaTopic(topic), Optional.of(PARTITIONS), Optional.empty())))
                    .all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
        // As KafkaBroker does before its first publish: until every partition has a leader, so the
        // first batch is not timed through the producer's metadata retries.
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!led(kafkaTopic(topic))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the partitions of " + kafkaTopic(topic) + " have no leader after " + TIMEOUT);
            }
            Thread.sleep(50); // a bounded wait for the controller, as KafkaBroker's Topics does
        }
    }

    /** Whether every partition of {@code name} has a leader (false while the topic is not known yet). */
    private boolean led(String name) throws Exception {
        try {
            return admin.describeTopics(List.of(name)).allTopicNames().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .get(name).partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public void consume(String topic, String group, int n, int concurrency) throws Exception {
        Map<String, Object> c = new HashMap<>();
        c.put("bootstrap.servers", bootstrap);
        c.put("group.id", kafkaTopic(topic) + ":" + group);
        c.put("group.protocol", "classic");
        c.put("partition.assignment.strategy", "org.apache.kafka.clients.consumer.CooperativeStickyAssignor");
        c.put("enable.auto.commit", "false");
        c.put("auto.offset.reset", "earliest");
        c.put("max.poll.records", Integer.toString(concurrency * 2));
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        int handled = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(kafkaTopic(topic)));
            while (handled < n) {
                ConsumerRecords<byte[], byte[]> got = consumer.poll(Duration.ofMillis(100));
                if (got.isEmpty()) {
                    continue;
                }
                List<CompletableFuture<Void>> handlers = new ArrayList<>(got.count());
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                for (ConsumerRecord<byte[], byte[]> r : got) {
                    handlers.add(CompletableFuture.runAsync(() -> {
                        // the handler: nothing to do, as in the Bulwark consumer's
                    }, pool));
                    offsets.merge(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1),
                            (a, b) -> a.offset() >= b.offset() ? a : b);
                }
                CompletableFuture.allOf(handlers.toArray(CompletableFuture[]::new)).get(1, TimeUnit.MINUTES);
                consumer.commitAsync(offsets, null);
                handled += got.count();
            }
            consumer.commitSync(); // the last commits are out before the consumer leaves
        } finally {
            pool.shutdownNow();
        }
    }

    @Override
    public void close() {
        producer.close(TIMEOUT);
        admin.close(TIMEOUT);
    }
}
