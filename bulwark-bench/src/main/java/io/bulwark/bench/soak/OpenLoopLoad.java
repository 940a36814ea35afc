package io.bulwark.bench.soak;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed-rate (open-loop) load: request {@code n} of the mix is due at {@code start + n / rate},
 * whatever happened to the requests before it, and is sent on a virtual thread of its own.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li>One platform thread paces: it parks until the next request is due, then hands it to a
 *       virtual thread. Due times are computed from {@code n}, not by adding periods, so the rate
 *       does not drift; when the pacer falls behind (a busy machine) it sends the overdue
 *       requests at once and the rate catches up.</li>
 *   <li>Latency is measured from the due time ({@link MixClient#send}), so a stalled server or a
 *       late pacer shows up in the percentiles instead of silently lowering the rate.</li>
 *   <li>At most {@code maxInFlight} requests are outstanding: past that the pacer waits (and the
 *       wait counts in the latency of the requests it delays), so a server that stops answering
 *       cannot make the harness open thousands of connections.</li>
 * </ul>
 */
final class OpenLoopLoad implements AutoCloseable {

    private final MixClient client;
    private final KindLatencies book;
    private final double ratePerSecond;
    private final Semaphore inFlight;
    private final int maxInFlight;
    private final ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong maxLagNanos = new AtomicLong();
    private volatile boolean running = true;
    private Thread pacer;

    OpenLoopLoad(MixClient client, KindLatencies book, double ratePerSecond, int maxInFlight) {
        if (!(ratePerSecond > 0)) {
            throw new IllegalArgumentException("ratePerSecond must be > 0 but was " + ratePerSecond);
        }
        this.client = client;
        this.book = book;
        this.ratePerSecond = ratePerSecond;
        this.maxInFlight = maxInFlight;
        this.inFlight = new Semaphore(maxInFlight);
    }

    /** Starts pacing now. */
    void start() {
        long start = System.nanoTime();
        double periodNanos = 1e9 / ratePerSecond;
        pacer = Thread.ofPlatform().name("soak-pacer").daemon().start(() -> pace(start, periodNanos));
    }

    private void pace(long start, double periodNanos) {
        for (long n = 0; running; n++) {
            long due = start + (long) (n * periodNanos);
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
                if (!running) {
                    return;
                }
            }
            try {
                inFlight.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (!running) {
                inFlight.release();
                return;
            }
            maxLagNanos.accumulateAndGet(System.nanoTime() - due, Math::max);
            RequestKind kind = RequestKind.at(n);
            senders.execute(() -> {
                try {
                    client.send(kind, due, book);
                } finally {
                    inFlight.release();
                }
            });
            sent.incrementAndGet();
        }
    }

    /** Requests handed to a sender so far. */
    long sent() {
        return sent.get();
    }

    /**
     * The longest a request waited past its due time before it was handed to a sender, since the
     * last call, in milliseconds: near zero when the harness keeps up with the rate.
     */
    double takeMaxLagMs() {
        return maxLagNanos.getAndSet(0) / 1e6;
    }

    /** Stops pacing and waits up to {@code bound} for the requests in flight to finish. */
    void stop(Duration bound) throws InterruptedException {
        running = false;
        if (pacer != null) {
            LockSupport.unpark(pacer);
            pacer.join(bound);
        }
        inFlight.tryAcquire(maxInFlight, bound.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        running = false;
        senders.shutdownNow();
    }
}
