package io.bulwark.resilience.internal;

import io.bulwark.resilience.event.ResilienceEvent;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listeners of one policy instance. Publishing costs one volatile read when nobody listens:
 * the event is built only when there is someone to hand it to. A listener that throws is logged
 * and the others still run; the call that produced the event is never affected.
 */
public final class Listeners {

    private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);
    @SuppressWarnings("unchecked")
    private static final Consumer<ResilienceEvent>[] NONE = new Consumer[0];

    private volatile Consumer<ResilienceEvent>[] listeners = NONE;

    /** Adds a listener (copy on write; adding is rare, publishing is hot). */
    public void add(Consumer<ResilienceEvent> listener) {
        Objects.requireNonNull(listener, "listener");
        synchronized (this) { // never blocks: guards a copy of a small array
            Consumer<ResilienceEvent>[] next = Arrays.copyOf(listeners, listeners.length + 1);
            next[next.length - 1] = listener;
            listeners = next;
        }
    }

    /** True when at least one listener is registered. */
    public boolean any() {
        return listeners.length > 0;
    }

    /** Builds the event only if someone listens, then hands it to each listener. */
    public void publish(Supplier<? extends ResilienceEvent> event) {
        Consumer<ResilienceEvent>[] current = listeners;
        if (current.length == 0) {
            return;
        }
        ResilienceEvent e = event.get();
        for (Consumer<ResilienceEvent> listener : current) {
            try {
                listener.accept(e);
            } catch (RuntimeException | Error failure) {
                if (failure instanceof VirtualMachineError vme) {
                    throw vme;
                }
                LOG.warn("A listener of {} threw on {}; the call is unaffected and the other listeners still ran",
                        e.name(), e.getClass().getSimpleName(), failure);
            }
        }
    }
}
