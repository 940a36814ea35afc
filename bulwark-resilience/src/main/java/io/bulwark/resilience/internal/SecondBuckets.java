package io.bulwark.resilience.internal;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Counters over the last N seconds, in one bucket per second; lock-free.
 *
 * <p>Design notes. Bucket {@code i} holds second {@code s} where {@code s % N == i}. An adder that
 * finds an older second in its bucket swaps in a fresh bucket with one CAS (the loser of a race
 * uses the winner's). Summing takes the buckets whose second lies in {@code (now - N, now]}, so
 * expired seconds drop out without anyone clearing them. An adder that read a bucket just before
 * it was replaced adds to the discarded one; that needs the adder to stall for N seconds between
 * two instructions, and costs one count.
 */
public final class SecondBuckets {

    private final int seconds;
    private final int fields;
    private final long originNanos;
    private final AtomicReferenceArray<Bucket> buckets;

    /** {@code seconds} buckets of {@code fields} counters each, second 0 starting at {@code originNanos}. */
    public SecondBuckets(int seconds, int fields, long originNanos) {
        this.seconds = seconds;
        this.fields = fields;
        this.originNanos = originNanos;
        this.buckets = new AtomicReferenceArray<>(seconds);
        for (int i = 0; i < seconds; i++) {
            buckets.set(i, new Bucket(Long.MIN_VALUE, fields));
        }
    }

    /** Adds {@code delta} to counter {@code field} of the second containing {@code nowNanos}. */
    public void add(int field, long delta, long nowNanos) {
        long second = secondOf(nowNanos);
        int index = (int) Math.floorMod(second, (long) seconds);
        Bucket bucket = buckets.get(index);
        if (bucket.second != second) {
            Bucket fresh = new Bucket(second, fields);
            bucket = buckets.compareAndSet(index, bucket, fresh) ? fresh : buckets.get(index);
        }
        bucket.counts.addAndGet(field, delta);
    }

    /** Each counter summed over the window ending at {@code nowNanos}. */
    public long[] sum(long nowNanos) {
        long now = secondOf(nowNanos);
        long[] sums = new long[fields];
        for (int i = 0; i < seconds; i++) {
            Bucket b = buckets.get(i);
            if (b.second > now - seconds && b.second <= now) {
                for (int f = 0; f < fields; f++) {
                    sums[f] += b.counts.get(f);
                }
            }
        }
        return sums;
    }

    /** The window's length in seconds. */
    public int seconds() {
        return seconds;
    }

    private long secondOf(long nowNanos) {
        return Math.floorDiv(nowNanos - originNanos, 1_000_000_000L);
    }

    private static final class Bucket {
        final long second;
        final AtomicLongArray counts;

        Bucket(long second, int fields) {
            this.second = second;
            this.counts = new AtomicLongArray(fields);
        }
    }
}
