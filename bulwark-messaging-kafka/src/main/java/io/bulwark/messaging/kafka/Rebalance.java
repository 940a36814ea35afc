package io.bulwark.messaging.kafka;

import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A member's part in its group's rebalances (cooperative: only the partitions that move are given
 * up). Runs on the member's thread, inside {@code poll}.
 */
final class Rebalance implements ConsumerRebalanceListener {

    private static final Logger LOG = LoggerFactory.getLogger(Rebalance.class);

    private final Member m;

    Rebalance(Member member) {
        this.m = member;
    }

    /**
     * Starts each partition from what the group committed for it, offset and metadata; one whose
     * commit cannot be read yet stays paused until it can. The first call, even of no partition,
     * tells the subscription it has joined.
     */
    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> parts) {
        try {
            if (!parts.isEmpty()) {
                Set<TopicPartition> set = new HashSet<>(parts);
                try {
                    Map<TopicPartition, OffsetAndMetadata> committed = m.consumer.committed(set, m.timeout);
                    for (TopicPartition tp : set) {
                        m.owned.put(tp, Progress.of(committed.get(tp)));
                    }
                } catch (WakeupException e) {
                    throw e;
                } catch (KafkaException e) {
                    m.unready.addAll(set);
                    m.consumer.pause(set);
                    m.paused.addAll(set);
                    LOG.debug("Member of group {} on {} could not read the committed offsets of {} yet ({})", m.group,
                            m.topic, set, e.toString());
                }
            }
        } finally {
            m.joined.countDown();
        }
    }

    /**
     * Gives {@code parts} up, but first lets their deliveries in flight finish (up to the member's
     * revoke wait, within Kafka's rebalance timeout), so the new owner does not deliver them a
     * second time while they are still handled here: a live member keeps what it handles.
     * Meanwhile the member hands out and commits on its other partitions, from what it has fetched.
     */
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> parts) {
        if (parts.isEmpty()) {
            return;
        }
        m.giveBackUntaken(parts);
        m.waiting.drop(parts);
        long deadline = System.nanoTime() + m.revokeWait.toNanos();
        while (!m.stopping() && m.handling(parts)) {
            if (System.nanoTime() > deadline) {
                LOG.warn("Member of group {} on {} gives up {} with deliveries still in flight after {} ms; their new owner"
                        + " delivers them again", m.group, m.topic, parts, m.revokeWait.toMillis());
                break;
            }
            m.applySettlements();
            m.handOut();
            m.handoff.await(Member.TURN_MS, m::stopping);
        }
        m.applySettlements();
        try {
            m.commit(parts);
        } catch (KafkaException e) {
            LOG.debug("Member of group {} on {} could not commit what it gives up ({})", m.group, m.topic, e.toString());
        }
        m.drop(parts);
    }

    /** Lost (the member was out of the group): nothing can be committed for them any more. */
    @Override
    public void onPartitionsLost(Collection<TopicPartition> parts) {
        m.giveBackUntaken(parts);
        m.drop(parts);
    }
}
