package io.bulwark.messaging.kafka;

import io.bulwark.messaging.Broker;
import io.bulwark.messaging.Delivery;
import io.bulwark.messaging.Names;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * A topic's dead letters: the one-partition topic {@code <prefix><topic>.dead}, so its order is
 * the order they died in. Reading takes them from the partition's start with a consumer of no
 * group (nothing is committed); a redrive writes each back to the retry topic of the group it died
 * in, due at once and counted afresh, waits for Kafka to have them all, then deletes them with
 * {@code DeleteRecords}, which moves the partition's start past them. A failure in between leaves
 * them dead letters too: redriven twice, never lost. One reader serves the broker, one call at a
 * time.
 */
final class DeadLetters implements AutoCloseable {

    /** Writes records and waits for Kafka to have them, or fails naming what was being done. */
    interface Sender {
        void sendAll(List<ProducerRecord<byte[], byte[]>> records, String what);
    }

    private final Admin admin;
    private final Topics topics;
    private final Supplier<Map<String, Object>> config;
    private final Duration timeout;
    private final ReentrantLock lock = new ReentrantLock();
    private KafkaConsumer<byte[], byte[]> reader;

    DeadLetters(Admin admin, Topics topics, Supplier<Map<String, Object>> config, Duration timeout) {
        this.admin = admin;
        this.topics = topics;
        this.config = config;
        this.timeout = timeout;
    }

    /** Up to {@code max} dead letters of {@code topic}, oldest first, with the reason and the deliveries before. */
    List<Delivery> list(String topic, int max) throws Exception {
        List<Delivery> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : read(topic, max)) {
            out.add(Records.delivery(topic, r, Records.deliveriesBefore(r)));
        }
        return out;
    }

    /** Moves up to {@code max} dead letters of {@code topic} back to their groups; how many. */
    int redrive(String topic, int max, long now, Sender sender) throws Exception {
        List<ConsumerRecord<byte[], byte[]>> dead = read(topic, max);
        if (dead.isEmpty()) {
            return 0;
        }
        List<ProducerRecord<byte[], byte[]>> back = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : dead) {
            String group = Records.text(r, Records.GROUP);
            String target;
            if (group != null && Names.TOPIC.matcher(group).matches()) {
                topics.ensureGroup(topic, group);
                target = topics.retry(topic, group);
            } else {
                target = topics.main(topic); // it died in no group it names: every group gets it again
            }
            back.add(Records.copy(r, target, now, Set.of(Broker.DEATH_HEADER, Records.GROUP, Records.NOT_BEFORE),
                    Map.of(Records.DELIVERIES, "0")));
        }
        sender.sendAll(back, "redrive " + back.size() + " dead letters of " + topic);
        admin.deleteRecords(Map.of(new TopicPartition(topics.dead(topic), 0),
                RecordsToDelete.beforeOffset(dead.getLast().offset() + 1))).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return back.size();
    }

    private List<ConsumerRecord<byte[], byte[]>> read(String topic, int max) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        String name = topics.dead(topic);
        if (max == 0 || !topics.exists(name)) {
            return out; // no dead letters were ever kept: nothing is made to say so
        }
        lock.lock();
        try {
            if (reader == null) {
                reader = new KafkaConsumer<>(config.get(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
            }
            TopicPartition tp = new TopicPartition(name, 0);
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

    @Override
    public void close() {
        lock.lock();
        try {
            if (reader != null) {
                reader.close(CloseOptions.timeout(Duration.ofSeconds(1)));
                reader = null;
            }
        } finally {
            lock.unlock();
        }
    }
}
