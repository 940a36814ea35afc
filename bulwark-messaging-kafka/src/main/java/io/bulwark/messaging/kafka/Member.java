package io.bulwark.messaging.kafka;

import io.bulwark.messaging.MessagingException;
import io.bulwark.messaging.spi.Received;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One member of a Kafka consumer group, run by a thread of its own: consumes a topic, its delay
 * topic and the group's retry topic, and hands what is due to {@link KafkaSource}.
 *
 * <p>Design notes. A {@code KafkaConsumer} is used by one thread at a time, must be polled
 * regularly to stay in its group, and commits one offset per partition. So this thread owns it
 * and does everything with it: it polls (pausing partitions while enough is fetched ahead, so
 * polling never stops and a handler that runs for hours keeps its partitions), keeps each owned
 * partition's {@link Progress}, commits, and handles rebalances. Other threads only exchange
 * messages with it: deliveries go out through {@link #ready} (at most {@code prefetch}), and
 * settlements (finished, given back, to deliver again) come back through {@link #settle}, applied
 * on its next turn (within {@value #TURN_MS} ms).
 *
 * <p>A record is handed out only after its delivery count is committed ({@link Progress}), so a
 * member that dies mid-handling leaves the count behind. Records due later (a delay, a retry's
 * backoff) wait in memory, by due time, while the member reads on (other partitions, and later
 * records of the same one): up to {@value #MAX_WAITING} records or 64 MiB, beyond which the
 * delay and retry topics are paused until some come due. A waiting record is unfinished, so the
 * commit point does not pass it; what is finished after it rides in the commit's metadata.
 */
final class Member {

    private static final Logger LOG = LoggerFactory.getLogger(Member.class);
    static final int MAX_WAITING = 10_000;
    private static final long MAX_WAITING_BYTES = 64L << 20;
    static final long TURN_MS = 100;

    /** A fetched record and the partition progress it belongs to (its owner at the time). */
    record Handle(TopicPartition partition, long offset, Progress progress, ConsumerRecord<byte[], byte[]> record) {
    }

    /** What became of a handed-out record. */
    sealed interface Settlement permits Done, TakeBack, Again {
        Handle handle();
    }

    /** Finished: acknowledged, or its retry or dead letter is in Kafka. */
    record Done(Handle handle) implements Settlement {
    }

    /** Given back unhandled: its count goes back down. */
    record TakeBack(Handle handle) implements Settlement {
    }

    /** Its retry or dead letter could not be written: delivered again at {@code due} (epoch ms), counted. */
    record Again(Handle handle, long due) implements Settlement {
    }

    private record Waiting(long due, long seq, Handle handle) {
    }

    private final String topic;
    private final String group;
    private final List<String> topics;
    private final Set<String> delayed;
    private final int prefetch;
    private final Duration timeout;
    private final Clock clock;
    private final String display;
    /** How long a member giving up partitions waits for their deliveries in flight: within Kafka's rebalance timeout. */
    private final Duration revokeWait;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;

    // Shared with other threads.
    final LinkedBlockingDeque<Received> ready = new LinkedBlockingDeque<>();
    private final ConcurrentLinkedQueue<Settlement> settled = new ConcurrentLinkedQueue<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final CountDownLatch joined = new CountDownLatch(1);
    private final CountDownLatch stop = new CountDownLatch(1);
    private volatile boolean draining;
    private volatile boolean closing;
    private volatile boolean abandoned;
    private volatile MessagingException failure;

    // This thread's own.
    private final Map<TopicPartition, Progress> owned = new HashMap<>();
    private final Set<TopicPartition> unready = new HashSet<>();
    private final Set<TopicPartition> paused = new HashSet<>();
    private final ArrayDeque<Waiting> due = new ArrayDeque<>();
    private final PriorityQueue<Waiting> later = new PriorityQueue<>(
            Comparator.comparingLong(Waiting::due).thenComparingLong(Waiting::seq));
    private long laterBytes;
    private long seq;

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

    void settle(Settlement s) {
        settled.add(s);
        tookSome();
    }

    /** The consumer loop took some of {@link #ready} (room to hand out more), or a settlement came. */
    void tookSome() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Hands out nothing more, and returns what was handed out and not taken. */
    List<Received> drain() {
        List<Received> left = new ArrayList<>();
        lock.lock();
        try {
            draining = true;
            ready.drainTo(left);
        } finally {
            lock.unlock();
        }
        return left;
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
            tookSome();
        }
        if (Thread.currentThread() != thread) {
            try {
                thread.join(timeout.plusSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        consumer.subscribe(topics, new Rebalance());
        long failures = 0;
        while (!closing && !abandoned) {
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
        long now = clock.millis();
        while (!later.isEmpty() && later.peek().due() <= now) {
            Waiting w = later.poll();
            laterBytes -= bytes(w.handle().record());
            due.add(w);
        }
        handOut();
        pauseOrResume();
        if (ready.size() >= prefetch) {
            awaitRoom(); // handlers are busy: wait for the consumer loop to take some, then service the group
        }
        long wait = TURN_MS;
        if (!later.isEmpty()) {
            wait = Math.max(0, Math.min(wait, later.peek().due() - clock.millis()));
        }
        if (!due.isEmpty() || ready.size() >= prefetch) {
            wait = 0;
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(wait))) {
            take(r);
        }
    }

    private void awaitRoom() {
        lock.lock();
        try {
            if (ready.size() >= prefetch && !closing && !abandoned) {
                changed.await(TURN_MS, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    /** Until a settlement comes or the consumer loop takes a delivery, at most a turn. */
    private void awaitChange() {
        lock.lock();
        try {
            if (settled.isEmpty() && !closing && !abandoned) {
                changed.await(TURN_MS, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    private boolean handling(Collection<TopicPartition> parts) {
        for (TopicPartition tp : parts) {
            Progress p = owned.get(tp);
            if (p != null && p.handling()) {
                return true;
            }
        }
        return false;
    }

    private void take(ConsumerRecord<byte[], byte[]> r) {
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        Progress p = owned.get(tp);
        if (p == null || p.fetched(r.offset()) < 0) {
            return; // not ours any more, or done already (an earlier owner's metadata says so)
        }
        Waiting w = new Waiting(Records.notBefore(r), seq++, new Handle(tp, r.offset(), p, r));
        if (w.due() <= clock.millis()) {
            due.add(w);
        } else {
            later.add(w);
            laterBytes += bytes(r);
        }
    }

    /** Commits the counts of what is due (as much as there is room for), then hands it to the consumer loop. */
    private void handOut() {
        List<Waiting> batch = new ArrayList<>();
        List<Received> out = new ArrayList<>();
        int room = draining ? 0 : prefetch - ready.size();
        while (room-- > 0 && !due.isEmpty()) {
            Waiting w = due.poll();
            Handle h = w.handle();
            int before = h.progress().handOut(h.offset());
            batch.add(w);
            out.add(new Received(Records.delivery(topic, h.record(), Records.deliveriesBefore(h.record()) + 1 + before), h));
        }
        if (!commit(owned.keySet())) {
            // The counts are not in Kafka: not handed out; they go on a later turn.
            for (int i = batch.size() - 1; i >= 0; i--) {
                Waiting w = batch.get(i);
                w.handle().progress().takeBack(w.handle().offset());
                due.addFirst(w);
            }
            return;
        }
        if (out.isEmpty()) {
            return;
        }
        lock.lock();
        try {
            if (!draining) {
                ready.addAll(out);
                return;
            }
        } finally {
            lock.unlock();
        }
        batch.forEach(w -> w.handle().progress().takeBack(w.handle().offset())); // stopping: committed on the way out
    }

    private void applySettlements() {
        for (Settlement s; (s = settled.poll()) != null; ) {
            Handle h = s.handle();
            if (owned.get(h.partition()) != h.progress()) {
                continue; // the partition went to another member meanwhile, which delivers it again
            }
            switch (s) {
                case Done d -> h.progress().done(h.offset());
                case TakeBack t -> h.progress().takeBack(h.offset());
                case Again a -> {
                    later.add(new Waiting(a.due(), seq++, h));
                    laterBytes += bytes(h.record());
                }
            }
        }
    }

    /**
     * Commits each of {@code partitions} whose commit point or metadata changed; false when Kafka did
     * not take it (a rebalance under way, the coordinator away), to be tried again on a later turn.
     */
    private boolean commit(Collection<TopicPartition> partitions) {
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
        boolean full = draining || closing || due.size() >= prefetch;
        boolean waitingFull = later.size() >= MAX_WAITING || laterBytes >= MAX_WAITING_BYTES;
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
            giveBackReady(owned.keySet());
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

    /** Takes back what was handed out in {@code partitions} and not taken by the consumer loop. */
    private void giveBackReady(Collection<TopicPartition> partitions) {
        for (Received r : List.copyOf(ready)) {
            Handle h = (Handle) r.handle();
            if (partitions.contains(h.partition()) && ready.remove(r)) {
                h.progress().takeBack(h.offset());
            }
        }
    }

    private void drop(Collection<TopicPartition> parts) {
        for (TopicPartition tp : parts) {
            owned.remove(tp);
            unready.remove(tp);
            paused.remove(tp);
        }
        dropWaiting(parts);
    }

    /** Forgets what of {@code parts} was fetched and not handed out: whoever owns them next fetches it again. */
    private void dropWaiting(Collection<TopicPartition> parts) {
        due.removeIf(w -> parts.contains(w.handle().partition()));
        later.removeIf(w -> {
            boolean gone = parts.contains(w.handle().partition());
            if (gone) {
                laterBytes -= bytes(w.handle().record());
            }
            return gone;
        });
    }

    private static long bytes(ConsumerRecord<byte[], byte[]> r) {
        return Math.max(0, r.serializedValueSize()) + Math.max(0, r.serializedKeySize()) + 64;
    }

    /** Runs on the member's thread, inside {@code poll}. */
    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> parts) {
            try {
                if (!parts.isEmpty()) {
                    Set<TopicPartition> set = new HashSet<>(parts);
                    try {
                        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(set, timeout);
                        for (TopicPartition tp : set) {
                            owned.put(tp, Progress.of(committed.get(tp)));
                        }
                    } catch (WakeupException e) {
                        throw e;
                    } catch (KafkaException e) {
                        // Not consumed until its committed offset and metadata are known.
                        unready.addAll(set);
                        consumer.pause(set);
                        paused.addAll(set);
                        LOG.debug("Member of group {} on {} could not read the committed offsets of {} yet ({})", group,
                                topic, set, e.toString());
                    }
                }
            } finally {
                joined.countDown();
            }
        }

        /**
         * Gives {@code parts} up, but first lets their deliveries in flight finish (up to
         * {@link #revokeWait}), so the new owner does not deliver them a second time while they
         * are still handled here: a live member keeps what it handles. Meanwhile this member hands
         * out and commits on its other partitions, from what it has fetched.
         */
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> parts) {
            if (parts.isEmpty()) {
                return;
            }
            giveBackReady(parts);
            dropWaiting(parts);
            long deadline = System.nanoTime() + revokeWait.toNanos();
            while (!closing && !abandoned && handling(parts)) {
                if (System.nanoTime() > deadline) {
                    LOG.warn("Member of group {} on {} gives up {} with deliveries still in flight after {} ms; their new"
                            + " owner delivers them again", group, topic, parts, revokeWait.toMillis());
                    break;
                }
                applySettlements();
                handOut();
                awaitChange();
            }
            applySettlements();
            try {
                commit(parts);
            } catch (KafkaException e) {
                LOG.debug("Member of group {} on {} could not commit what it gives up ({})", group, topic, e.toString());
            }
            drop(parts);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> parts) {
            giveBackReady(parts);
            drop(parts);
        }
    }
}
