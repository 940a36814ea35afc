package io.bulwark.messaging.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Reads a topic's dead letters, and removes those redriven. The dead-letter topic has one
 * partition, so its order is the order they died in; it is read from its start with a consumer of
 * no group (nothing is committed), and a redrive removes what it moved with Kafka's
 * {@code DeleteRecords}, which moves the partition's start past them. One reader serves the
 * broker, one call at a time.
 */
final class DeadLetters implements AutoCloseable {

    private final Admin admin;
    private final Supplier<Map<String, Object>> config;
    private final Duration timeout;
    private final ReentrantLock lock = new ReentrantLock();
    private KafkaConsumer<byte[], byte[]> reader;

    DeadLetters(Admin admin, Supplier<Map<String, Object>> config, Duration timeout) {
        this.admin = admin;
        this.config = config;
        this.timeout = timeout;
    }

    /** Up to {@code max} records of {@code deadTopic}, oldest first. */
    List<ConsumerRecord<byte[], byte[]>> read(String deadTopic, int max) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        lock.lock();
        try {
            if (reader == null) {
                reader = new KafkaConsumer<>(config.get(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
            }
            TopicPartition tp = new TopicPartition(deadTopic, 0);
            reader.assign(List.of(tp));
            reader.seekToBeginning(List.of(tp));
            long end = reader.endOffsets(List.of(tp), timeout).getOrDefault(tp, 0L);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (out.size() < max && reader.position(tp, timeout) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : reader.poll(Duration.ofMillis(100)).records(tp)) {
                    if (r.offset() >= end || out.size() >= max) {
                        break;
                    }
                    out.add(r);
                }
            }
            reader.unsubscribe();
        } finally {
            lock.unlock();
        }
        return out;
    }

    /** Removes every record of {@code deadTopic} before {@code offset}. */
    void removeBefore(String deadTopic, long offset) throws InterruptedException, ExecutionException, TimeoutException {
        admin.deleteRecords(Map.of(new TopicPartition(deadTopic, 0), RecordsToDelete.beforeOffset(offset))).all()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (reader != null) {
                reader.close(Duration.ofSeconds(1));
                reader = null;
            }
        } finally {
            lock.unlock();
        }
    }
}
