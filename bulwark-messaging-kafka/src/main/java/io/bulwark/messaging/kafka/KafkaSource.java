package io.bulwark.messaging.kafka;

import io.bulwark.messaging.Broker;
import io.bulwark.messaging.MessagingException;
import io.bulwark.messaging.spi.DeliverySource;
import io.bulwark.messaging.spi.Received;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A subscription's source: what the shared consumer loop asks of Kafka, answered by the group
 * {@link Member} this subscription runs. Deliveries come from the member's hand-outs; an
 * acknowledgement or a give-back goes back to it; a retry or a dead letter is first written to its
 * topic (waiting for Kafka to have it) and then reported finished, so the offset moves past the
 * message only once its copy is safe. A copy that cannot be written leaves the message to be
 * delivered again by this member a second later, counted.
 */
final class KafkaSource implements DeliverySource {

    private final KafkaBroker broker;
    private final String topic;
    private final String group;
    private final String groupId;
    private final String retryTopic;
    private final String deadTopic;
    private final List<String> topics;
    private final Member member;
    private volatile Runnable onClose = () -> { };

    KafkaSource(KafkaBroker broker, String topic, String group, Map<String, Object> config, int prefetch) {
        this.broker = broker;
        this.topic = topic;
        this.group = group;
        Topics t = broker.topics();
        this.groupId = t.groupId(topic, group);
        this.retryTopic = t.retry(topic, group);
        this.deadTopic = t.dead(topic);
        this.topics = List.of(t.main(topic), t.delay(topic), retryTopic);
        this.member = new Member(topic, group, topics, Set.of(t.delay(topic), retryTopic), config, prefetch,
                broker.timeout(), broker.clock(), broker.display());
    }

    void start() {
        member.start();
    }

    boolean awaitJoined(Duration d) throws InterruptedException {
        return member.awaitJoined(d);
    }

    /** Runs {@code r} when closed. */
    void onClose(Runnable r) {
        this.onClose = r;
    }

    @Override
    public List<Received> poll(int max, Duration wait) throws Exception {
        MessagingException f = member.failure();
        if (f != null && member.handoff.noDeliveries()) {
            throw f;
        }
        return member.handoff.poll(max, wait);
    }

    @Override
    public void ack(Received r) {
        member.handoff.settle(new Handoff.Done(handle(r)));
    }

    @Override
    public void retry(Received r, Duration delay) {
        Handoff.Handle h = handle(r);
        Instant at = broker.clock().instant();
        long now = at.toEpochMilli();
        Duration wait = delay.compareTo(broker.maxDelay()) > 0 ? broker.maxDelay() : delay;
        try {
            broker.send(Records.copy(h.record(), retryTopic, now, Set.of(Broker.DEATH_HEADER, Records.GROUP),
                    Map.of(Records.DELIVERIES, Integer.toString(r.delivery().deliveries()),
                            Records.NOT_BEFORE, Long.toString(Records.dueMillis(at.plus(wait))))),
                    "schedule the retry of message " + r.delivery().id() + " of " + topic + " (group " + group + ")");
        } catch (RuntimeException e) {
            member.handoff.settle(new Handoff.Again(h, now + Math.max(wait.toMillis(), 1000)));
            throw e;
        }
        member.handoff.settle(new Handoff.Done(h));
    }

    @Override
    public void deadLetter(Received r, String reason) {
        Handoff.Handle h = handle(r);
        long now = broker.clock().millis();
        try {
            broker.send(Records.copy(h.record(), deadTopic, now, Set.of(Records.NOT_BEFORE),
                    Map.of(Broker.DEATH_HEADER, reason.length() > 2000 ? reason.substring(0, 2000) : reason,
                            Records.GROUP, group, Records.DELIVERIES, Integer.toString(r.delivery().deliveries()))),
                    "add message " + r.delivery().id() + " of " + topic + " to its dead letters");
        } catch (RuntimeException e) {
            member.handoff.settle(new Handoff.Again(h, now + 1000));
            throw e;
        }
        member.handoff.settle(new Handoff.Done(h));
    }

    @Override
    public void release(Received r) {
        member.handoff.settle(new Handoff.TakeBack(handle(r)));
    }

    @Override
    public int releaseUnpolled() {
        List<Received> left = member.handoff.drain();
        left.forEach(this::release);
        return left.size();
    }

    /**
     * The group's lag over every partition of the topic, its delay topic and the group's retry
     * topic, as Kafka has it: from the committed offset (or the oldest kept, where the group has
     * committed none) to the end, less what the commits' metadata says is finished beyond it.
     * Delayed messages and retries not due yet are counted: the group has not finished them.
     */
    @Override
    public OptionalLong lag() throws Exception {
        Admin admin = broker.admin();
        long ms = broker.timeout().toMillis();
        Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames().get(ms, TimeUnit.MILLISECONDS);
        List<TopicPartition> parts = new ArrayList<>();
        for (TopicDescription d : described.values()) {
            for (TopicPartitionInfo p : d.partitions()) {
                parts.add(new TopicPartition(d.name(), p.partition()));
            }
        }
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                .partitionsToOffsetAndMetadata().get(ms, TimeUnit.MILLISECONDS);
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        for (TopicPartition tp : parts) {
            latest.put(tp, OffsetSpec.latest());
            if (committed.get(tp) == null) {
                earliest.put(tp, OffsetSpec.earliest());
            }
        }
        var ends = admin.listOffsets(latest).all().get(ms, TimeUnit.MILLISECONDS);
        var starts = earliest.isEmpty() ? Map.<TopicPartition, org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo>of()
                : admin.listOffsets(earliest).all().get(ms, TimeUnit.MILLISECONDS);
        long sum = 0;
        for (TopicPartition tp : parts) {
            long end = ends.get(tp).offset();
            OffsetAndMetadata om = committed.get(tp);
            sum += om != null ? Progress.of(om).unfinished(end) : Math.max(0, end - starts.get(tp).offset());
        }
        return OptionalLong.of(sum);
    }

    /** For tests: ends as a killed process would. */
    void abandon() {
        member.abandon();
    }

    @Override
    public void close() {
        member.close();
        onClose.run();
    }

    private static Handoff.Handle handle(Received r) {
        return (Handoff.Handle) r.handle();
    }
}
