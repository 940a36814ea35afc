package io.bulwark.jobs.internal;

import java.time.InstantSource;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A token bucket on an injected clock: {@code rate} tokens per second, at most {@code burst}
 * saved. Used to cap how fast a queue starts jobs on one node.
 */
public final class TokenBucket {

    private final InstantSource clock;
    private final ReentrantLock lock = new ReentrantLock();
    private double rate;
    private int burst;
    private double tokens;
    private long lastNanos;

    public TokenBucket(InstantSource clock, double rate, int burst) {
        this.clock = clock;
        this.rate = rate;
        this.burst = burst;
        this.tokens = burst;
        this.lastNanos = nanos();
    }

    /** Takes up to {@code wanted} tokens; returns how many were taken. */
    public int take(int wanted, double rate, int burst) {
        lock.lock();
        try {
            if (rate != this.rate || burst != this.burst) {
                this.rate = rate;
                this.burst = burst;
                tokens = Math.min(tokens, burst);
            }
            long now = nanos();
            tokens = Math.min(burst, tokens + (now - lastNanos) / 1e9 * rate);
            lastNanos = now;
            int taken = (int) Math.min(wanted, Math.floor(tokens));
            tokens -= taken;
            return taken;
        } finally {
            lock.unlock();
        }
    }

    /** Gives back tokens taken but not used (fewer jobs were due than the bucket allowed). */
    public void giveBack(int n) {
        lock.lock();
        try {
            tokens = Math.min(burst, tokens + n);
        } finally {
            lock.unlock();
        }
    }

    private long nanos() {
        var i = clock.instant();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }
}
