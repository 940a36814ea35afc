package io.bulwark.messaging.kafka;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * What a member fetched and has not handed out: records due now, in the order fetched, and records
 * due later (a delay, a retry's backoff), by due time; how much waits, so the member can stop
 * fetching the delay and retry topics while too much does. Only the member's thread uses it.
 */
final class Waiting {

    /** A record waiting, and when it is due (epoch ms; 0 at once). */
    record Entry(long due, long seq, Handoff.Handle handle) {
    }

    private final ArrayDeque<Entry> due = new ArrayDeque<>();
    private final PriorityQueue<Entry> later = new PriorityQueue<>(
            Comparator.comparingLong(Entry::due).thenComparingLong(Entry::seq));
    private long laterBytes;
    private long seq;

    /** Adds {@code h}, due at {@code at}; {@code now} tells whether that is now. */
    void add(Handoff.Handle h, long at, long now) {
        Entry e = new Entry(at, seq++, h);
        if (at <= now) {
            due.add(e);
        } else {
            later.add(e);
            laterBytes += bytes(h.record());
        }
    }

    /** Moves what has come due by {@code now} to the records due now. */
    void advance(long now) {
        while (!later.isEmpty() && later.peek().due() <= now) {
            Entry e = later.poll();
            laterBytes -= bytes(e.handle().record());
            due.add(e);
        }
    }

    /** The next record due now, or null. */
    Entry next() {
        return due.poll();
    }

    /** Puts back, at the front and in their order, records taken with {@link #next} and not handed out. */
    void putBack(List<Entry> entries) {
        for (int i = entries.size() - 1; i >= 0; i--) {
            due.addFirst(entries.get(i));
        }
    }

    int dueNow() {
        return due.size();
    }

    /** Milliseconds until the next record waiting for later is due, or -1 when none waits. */
    long untilNext(long now) {
        return later.isEmpty() ? -1 : Math.max(0, later.peek().due() - now);
    }

    /** True when as much waits for later as a member keeps in memory. */
    boolean full(int records, long bytes) {
        return later.size() >= records || laterBytes >= bytes;
    }

    /** Forgets the records of {@code parts}: whoever owns them next fetches them again. */
    void drop(Collection<TopicPartition> parts) {
        due.removeIf(e -> parts.contains(e.handle().partition()));
        later.removeIf(e -> {
            boolean gone = parts.contains(e.handle().partition());
            if (gone) {
                laterBytes -= bytes(e.handle().record());
            }
            return gone;
        });
    }

    private static long bytes(ConsumerRecord<byte[], byte[]> r) {
        return Math.max(0, r.serializedValueSize()) + Math.max(0, r.serializedKeySize()) + 64;
    }
}
