package io.bulwark.balancer;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** Refreshes a {@link Discovery} on a caller's scheduler, each time after the delay the last refresh asked for. */
final class RefreshLoop implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(RefreshLoop.class.getName());

    private final Discovery discovery;
    private final ScheduledExecutorService scheduler;
    private final Duration retryAfterFailure;
    private final AtomicReference<ScheduledFuture<?>> next = new AtomicReference<>();
    private volatile boolean closed;

    private RefreshLoop(Discovery discovery, ScheduledExecutorService scheduler, Duration retryAfterFailure) {
        this.discovery = discovery;
        this.scheduler = scheduler;
        this.retryAfterFailure = retryAfterFailure;
    }

    static AutoCloseable start(Discovery discovery, ScheduledExecutorService scheduler, Duration retryAfterFailure) {
        if (retryAfterFailure.isNegative() || retryAfterFailure.isZero()) {
            throw new IllegalArgumentException("retryAfterFailure must be > 0 but was " + retryAfterFailure);
        }
        RefreshLoop loop = new RefreshLoop(discovery, scheduler, retryAfterFailure);
        loop.schedule(Duration.ZERO);
        return loop;
    }

    private void run() {
        Duration delay;
        try {
            delay = discovery.refresh();
        } catch (RuntimeException e) {
            delay = retryAfterFailure;
            LOG.log(System.Logger.Level.WARNING, "discovery " + discovery.describe() + " failed; keeping its last "
                    + discovery.endpoints().size() + " endpoints and trying again in " + retryAfterFailure, e);
        }
        schedule(delay);
    }

    private void schedule(Duration delay) {
        if (closed) {
            return;
        }
        next.set(scheduler.schedule(this::run, delay.toNanos(), TimeUnit.NANOSECONDS));
        if (closed) {
            next.get().cancel(false); // close() ran while this was being scheduled
        }
    }

    @Override
    public void close() {
        closed = true;
        ScheduledFuture<?> f = next.get();
        if (f != null) {
            f.cancel(false);
        }
    }
}
