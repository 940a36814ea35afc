package io.bulwark.resilience.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Named instances behind every registry.
 *
 * <p>Design note: an instance is created OUTSIDE the map's lock and then offered with
 * {@code putIfAbsent}; the loser of a race is dropped. {@code ConcurrentHashMap.computeIfAbsent}
 * would run the factory under a bin lock, and a factory that does I/O (loading breaker history
 * from a store) would pin a virtual thread and block every other name in the same bin.
 *
 * @param <T> the instance type
 */
public final class NamedInstances<T> {

    private final ConcurrentMap<String, T> instances = new ConcurrentHashMap<>();
    private final List<Consumer<T>> onAdded = new CopyOnWriteArrayList<>();

    /** The instance named {@code name}, creating it with {@code factory} if absent. */
    public T computeIfAbsent(String name, Supplier<? extends T> factory) {
        Checks.name(name);
        T existing = instances.get(name);
        if (existing != null) {
            return existing;
        }
        T created = Objects.requireNonNull(factory.get(), "factory returned null");
        T winner = instances.putIfAbsent(name, created);
        if (winner != null) {
            return winner;
        }
        onAdded.forEach(listener -> listener.accept(created));
        return created;
    }

    /** The instance named {@code name} (created with {@code factory} if absent) after {@code reconfigure} ran on it. */
    public T replace(String name, Supplier<? extends T> factory, Consumer<T> reconfigure) {
        T instance = computeIfAbsent(name, factory);
        reconfigure.accept(instance);
        return instance;
    }

    /** The instance named {@code name}, if any. */
    public Optional<T> find(String name) {
        return Optional.ofNullable(instances.get(name));
    }

    /** Removes and returns the instance named {@code name}, if any. */
    public Optional<T> remove(String name) {
        return Optional.ofNullable(instances.remove(name));
    }

    /** A snapshot of every instance. */
    public Collection<T> all() {
        return List.copyOf(new ArrayList<>(instances.values()));
    }

    /** Calls {@code listener} for every instance present now and every one added later. */
    public void forEachAndEveryAdded(Consumer<T> listener) {
        onAdded.add(listener);
        instances.values().forEach(listener);
    }
}
