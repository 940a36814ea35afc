package io.bulwark.balancer.internal;

import io.bulwark.balancer.Endpoint;
import io.bulwark.balancer.Selection;
import java.util.concurrent.atomic.AtomicBoolean;

/** A pick; the inherited flag makes the first completion win and the rest no-ops. */
final class DefaultSelection extends AtomicBoolean implements Selection {

    private final DefaultLoadBalancer balancer;
    private final EndpointSlot slot;
    private final Endpoint endpoint;
    private final long startNanos;

    DefaultSelection(DefaultLoadBalancer balancer, EndpointSlot slot, long startNanos) {
        this.balancer = balancer;
        this.slot = slot;
        this.endpoint = slot.endpoint();
        this.startNanos = startNanos;
    }

    @Override
    public Endpoint endpoint() {
        return endpoint;
    }

    @Override
    public void complete(int status, long latencyNanos) {
        if (compareAndSet(false, true)) {
            balancer.onComplete(slot, startNanos, status, latencyNanos);
        }
    }

    @Override
    public void complete(int status) {
        if (compareAndSet(false, true)) {
            balancer.onComplete(slot, startNanos, status, balancer.elapsedSince(startNanos));
        }
    }

    @Override
    public void fail(Throwable error) {
        if (compareAndSet(false, true)) {
            balancer.onFailure(slot, startNanos, balancer.elapsedSince(startNanos));
        }
    }

    @Override
    public boolean isDone() {
        return get();
    }

    @Override
    public void close() {
        if (compareAndSet(false, true)) {
            balancer.onRelease(slot);
        }
    }

    @Override
    public String toString() {
        return "Selection[" + endpoint.id() + (get() ? ", done]" : ", in flight]");
    }
}
