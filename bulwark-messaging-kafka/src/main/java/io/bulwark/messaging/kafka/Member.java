package io.bulwark.messaging.kafka;

import io.bulwark.messaging.MessagingException;
import io.bulwark.messaging.spi.Received;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One member of a Kafka consumer group, run by a thread of its own: consumes a topic, its delay
 * topic and the group's retry topic, and hands what is due to its subscription through a
 * {@link Handoff}.
 *
 * <p>Design notes. A {@code KafkaConsumer} is used by one thread at a time, must be polled
 * regularly to stay in its group, and commits one offset per partition. So this thread owns it
 * and does everything with it: it polls (pausing partitions while enough is fetched ahead, so
 * polling never stops and a handler that runs for hours keeps its partitions), keeps each owned
 * partition's {@link Progress}, commits, and handles rebalances ({@link Rebalance}). Other threads
 * only exchange messages with it; settlements are applied on its next turn (within
 * {@value #TURN_MS} ms).
 *
 * <p>A record is handed out only after its delivery count is committed ({@link Progress}), so a
 * member that dies mid-handling leaves the count behind. Records due later (a delay, a retry's
 * backoff) wait in memory ({@link Waiting}) while the member reads on, other partitions and later
 * records of the same one: up to {@value #MAX_WAITING} records or 64 MiB, beyond which the delay
 * and retry topics are paused until some come due. A waiting record is unfinished, so the commit
 * point does not pass it; what is finished after it rides in the commit's metadata.
 */
final class Member {

    private static final Logger LOG = LoggerFactory.getLogger(Member.class);
    static final int MAX_WAITING = 10_000;
    private static final long MAX_WAITING_BYTES = 64L << 20;
    static final long TURN_MS = 100;

    final String topic;
    final String group;
    private final List<String> topics;
    private final Set<String> delayed;
    private final int prefetch;
    final Duration timeout;
    private final Clock clock;
    private final String display;
    /** How long a member giving up partitions waits for their deliveries in flight: within Kafka's rebalance timeout. */
    final Duration revokeWait;
    final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    final Handoff handoff = new Handoff();
    final CountDownLatch joined = new CountDownLatch(1);
    private final CountDownLatch stop = new CountDownLatch(1);
    volatile boolean closing;
    volatile boolean abandoned;
    private volatile MessagingException failure;

    // This thread's own.
    final Map<TopicPartition, Progress> owned = new HashMap<>();
    final Set<TopicPartition> unready = new HashSet<>();
    final Set<TopicPartition> paused = new HashSet<>();
    final Waiting waiting = new Waiting();

    /**
     * @param topics the Kafka topics it reads: the topic's, its delay topic, the group's retry topic
     * @param delayed those of them whose records may be due later
     */
    Member(String topic, String group, List<String> topics, Set<String> delayed, Map<String, Object> config, int prefetch,
           Duration timeout, Clock clock, String display) {
        this.topic = topic;
        this.group = group;
        this.topics = List.copyOf(topics);
        this.delayed = Set.copyOf(delayed);
        this.prefetch = prefetch;
        this.timeout = timeout;
        this.clock = clock;
        this.display = display;
        long rebalance = Long.parseLong(config.getOrDefault("max.poll.interval.ms", "300000").toString());
        this.revokeWait = Duration.ofMillis(Math.max(1000, rebalance - timeout.toMillis() - 5000));
        this.consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.thread = Thread.ofPlatform().daemon().name("bulwark-kafka-" + topic + "-" + group).unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    /** Waits up to {@code d} for the first assignment (possibly of no partition); true when it came. */
    boolean awaitJoined(Duration d) throws InterruptedException {
        return joined.await(d.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Why it cannot consume now (Kafka refuses it), or null. */
    MessagingException failure() {
        return failure;
    }

    /** Stops: applies what was settled, commits, and leaves the group, so its partitions move at once. */
    void close() {
        if (!abandoned) {
            closing = true;
        }
        halt();
    }

    /** Ends as a killed process would: nothing more committed, the group left to notice after the session timeout. */
    void abandon() {
        abandoned = true;
        halt();
    }

    private void halt() {
        if (stop.getCount() > 0) {
            stop.countDown();
            consumer.wakeup();
            handoff.wake();
        }
        if (Thread.currentThread() != thread) {
            try {
                thread.join(timeout.plusSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    boolean stopping() {
        return closing || abandoned;
    }

    private void run() {
        consumer.subscribe(topics, new Rebalance(this));
        long failures = 0;
        while (!stopping()) {
            try {
                turn();
                if (failure != null) {
                    LOG.info("Member of group {} on {} is let in by Kafka again", group, topic);
                    failure = null;
                }
                if (failures > 0) {
                    LOG.info("Member of group {} on {} reaches Kafka again", group, topic);
                }
                failures = 0;
            } catch (WakeupException e) {
                // close() or abandon(): the loop ends
            } catch (InterruptException e) {
                Thread.interrupted();
            } catch (AuthenticationException | AuthorizationException e) {
                failure = new MessagingException("Kafka at " + display + " refuses the group " + group + " of " + topic
                        + ": " + e.getMessage() + "; it tries again", e);
                backoff(++failures);
            } catch (KafkaException e) {
                if (failures++ == 0) {
                    LOG.warn("Member of group {} on {} cannot use Kafka at {} ({}); it tries again, and consumes nothing"
                            + " meanwhile", group, topic, display, e.toString());
                }
                backoff(failures);
            } catch (RuntimeException e) {
                LOG.error("Member of group {} on {} failed ({}); it goes on from what Kafka has committed", group, topic,
                        e.toString(), e);
                backoff(++failures);
            }
        }
        finish();
    }

    /** One turn: apply settlements, hand out what is due, commit, poll. */
    private void turn() {
        applySettlements();
        loadUnready();
        waiting.advance(clock.millis());
        handOut();
        pauseOrResume();
        boolean full = handoff.waitingToBeTaken() >= prefetch;
        if (full) {
            // Handlers are busy: wait for the consumer loop to take some, then service the group.
            handoff.await(TURN_MS, () -> stopping() || handoff.waitingToBeTaken() < prefetch);
        }
        long wait = TURN_MS;
        long next = waiting.untilNext(clock.millis());
        if (next >= 0) {
            wait = Math.min(wait, next);
        }
        if (waiting.dueNow() > 0 || full) {
            wait = 0;
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(wait))) {
            take(r);
        }
    }

    private void take(ConsumerRecord<byte[], byte[]> r) {
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        Progress p = owned.get(tp);
        if (p == null || p.fetched(r.offset()) < 0) {
            return; // not ours any more, or done already (an earlier owner's metadata says so)
        }
        waiting.add(new Handoff.Handle(tp, r.offset(), p, r), Records.notBefore(r), clock.millis());
    }

    /** Commits the counts of what is due (as much as there is room for), then hands it over. */
    void handOut() {
        List<Waiting.Entry> batch = new ArrayList<>();
        List<Received> out = new ArrayList<>();
        int room = handoff.drained() ? 0 : prefetch - handoff.waitingToBeTaken();
        for (Waiting.Entry e; room-- > 0 && (e = waiting.next()) != null; ) {
            Handoff.Handle h = e.handle();
            int before = h.progress().handOut(h.offset());
            batch.add(e);
            out.add(new Received(Records.delivery(topic, h.record(), Records.deliveriesBefore(h.record()) + 1 + before), h));
        }
        if (!commit(owned.keySet())) {
            // The counts are not in Kafka: not handed out; they go on a later turn.
            batch.forEach(e -> e.handle().progress().takeBack(e.handle().offset()));
            waiting.putBack(batch);
            return;
        }
        if (!out.isEmpty() && !handoff.handOver(out)) {
            // Stopping: not handed out after all; committed so on the way out.
            batch.forEach(e -> e.handle().progress().takeBack(e.handle().offset()));
        }
    }

    void applySettlements() {
        for (Handoff.Settlement s; (s = handoff.nextSettlement()) != null; ) {
            Handoff.Handle h = s.handle();
            if (owned.get(h.partition()) != h.progress()) {
                continue; // the partition went to another member meanwhile, which delivers it again
            }
            switch (s) {
                case Handoff.Done d -> h.progress().done(h.offset());
                case Handoff.TakeBack t -> h.progress().takeBack(h.offset());
                case Handoff.Again a -> {
                    h.progress().park(h.offset());
                    waiting.add(h, a.due(), clock.millis());
                }
            }
        }
    }

    /**
     * Commits each of {@code partitions} whose commit point or metadata changed; false when Kafka did
     * not take it (a rebalance under way, the coordinator away), to be tried again on a later turn.
     */
    boolean commit(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : partitions) {
            Progress p = owned.get(tp);
            OffsetAndMetadata om = p == null ? null : p.toCommit();
            if (om != null) {
                offsets.put(tp, om);
            }
        }
        if (offsets.isEmpty()) {
            return true;
        }
        try {
            consumer.commitSync(offsets, timeout);
        } catch (WakeupException | InterruptException e) {
            throw e;
        } catch (KafkaException e) {
            LOG.debug("Member of group {} on {} could not commit ({}); it tries again", group, topic, e.toString());
            return false;
        }
        offsets.forEach((tp, om) -> {
            Progress p = owned.get(tp);
            if (p != null) {
                p.committed(om);
            }
        });
        return true;
    }

    /** Pauses every partition while enough is fetched ahead or the member stops, the delay and retry topics while enough waits. */
    private void pauseOrResume() {
        Set<TopicPartition> want = new HashSet<>(unready);
        boolean full = handoff.drained() || closing || waiting.dueNow() >= prefetch;
        boolean waitingFull = waiting.full(MAX_WAITING, MAX_WAITING_BYTES);
        for (TopicPartition tp : owned.keySet()) {
            if (full || waitingFull && delayed.contains(tp.topic())) {
                want.add(tp);
            }
        }
        Set<TopicPartition> resume = new HashSet<>(paused);
        resume.removeAll(want);
        Set<TopicPartition> pause = new HashSet<>(want);
        pause.removeAll(paused);
        if (!resume.isEmpty()) {
            consumer.resume(resume);
        }
        if (!pause.isEmpty()) {
            consumer.pause(pause);
        }
        paused.clear();
        paused.addAll(want);
    }

    /** Partitions whose committed offsets could not be read when assigned: read now, then consumed. */
    private void loadUnready() {
        if (unready.isEmpty()) {
            return;
        }
        Set<TopicPartition> parts = new HashSet<>(unready);
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(parts, timeout);
        for (TopicPartition tp : parts) {
            owned.put(tp, Progress.of(committed.get(tp)));
        }
        unready.removeAll(parts);
    }

    private void backoff(long failures) {
        try {
            stop.await(Math.min(5_000, 100L << Math.min(6, failures)), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** On close, settles and commits, then leaves; abandoned, commits nothing and stays in the group until its session expires. */
    private void finish() {
        try {
            if (abandoned) {
                consumer.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP)
                        .withTimeout(Duration.ZERO));
                return;
            }
            giveBackUntaken(owned.keySet());
            applySettlements();
            try {
                commit(owned.keySet());
            } catch (WakeupException e) {
                commit(owned.keySet()); // the wake-up that ended the loop, delivered here instead: once more
            }
            consumer.close(CloseOptions.timeout(timeout));
        } catch (RuntimeException e) {
            LOG.warn("Member of group {} on {} did not close cleanly ({}); its group gives its partitions to another member"
                    + " after its session timeout", group, topic, e.toString());
        }
    }

    /** Takes back what was handed out in {@code partitions} and not taken yet, lowering its count again. */
    void giveBackUntaken(Collection<TopicPartition> partitions) {
        handoff.takeBack(h -> partitions.contains(h.partition())).forEach(h -> h.progress().takeBack(h.offset()));
    }

    /** True while a handler has a message of one of {@code parts}. */
    boolean handling(Collection<TopicPartition> parts) {
        for (TopicPartition tp : parts) {
            Progress p = owned.get(tp);
            if (p != null && p.handling()) {
                return true;
            }
        }
        return false;
    }

    void drop(Collection<TopicPartition> parts) {
        for (TopicPartition tp : parts) {
            owned.remove(tp);
            unready.remove(tp);
            paused.remove(tp);
        }
        waiting.drop(parts);
    }
}
