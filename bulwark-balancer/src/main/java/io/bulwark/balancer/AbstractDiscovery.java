package io.bulwark.balancer;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The listener and change-detection part of a {@link Discovery}: an implementation looks at its
 * source in {@link #refresh()} and hands what it found to {@link #publish(List)}, which stores it and
 * notifies listeners only when the list differs from the last one (order included).
 */
public abstract class AbstractDiscovery implements Discovery {

    private final AtomicReference<List<Endpoint>> current = new AtomicReference<>(List.of());
    private final List<Consumer<List<Endpoint>>> listeners = new CopyOnWriteArrayList<>();

    /** An empty discovery. */
    protected AbstractDiscovery() {
    }

    @Override
    public List<Endpoint> endpoints() {
        return current.get();
    }

    @Override
    public AutoCloseable subscribe(Consumer<List<Endpoint>> listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        listener.accept(current.get());
        return () -> listeners.remove(listener);
    }

    /** Stores {@code found}; notifies listeners and returns true when it differs from the last list. */
    protected final boolean publish(List<Endpoint> found) {
        List<Endpoint> next = List.copyOf(found);
        List<Endpoint> previous = current.getAndSet(next);
        if (previous.equals(next)) {
            return false;
        }
        for (Consumer<List<Endpoint>> l : listeners) {
            l.accept(next);
        }
        return true;
    }
}
