package io.bulwark.cache.jcache.internal;

import java.util.Objects;
import javax.cache.integration.CacheLoader;
import javax.cache.processor.MutableEntry;

/**
 * The entry an {@link javax.cache.processor.EntryProcessor} works on, recording what it did so
 * that the cache applies the outcome once, atomically, when the processor returns.
 */
final class ProcessorEntry<K, V> implements MutableEntry<K, V> {

    /** What the processor did, the last change winning. */
    enum Action { NONE, READ, LOADED, CREATED, UPDATED, DELETED }

    private final K key;
    private final boolean existed;
    private V value;
    private Action action = Action.NONE;
    private CacheLoader<K, V> loader;

    ProcessorEntry(K key, V value, CacheLoader<K, V> loader) {
        this.key = key;
        this.value = value;
        this.existed = value != null;
        this.loader = loader;
    }

    Action action() {
        return action;
    }

    @Override
    public boolean exists() {
        return action == Action.NONE ? existed : value != null;
    }

    @Override
    public K getKey() {
        return key;
    }

    @Override
    public V getValue() {
        if (action != Action.NONE) {
            return value;
        }
        if (value != null) {
            action = Action.READ;
        } else if (loader != null) {
            value = JIntegration.load(loader, key);
            loader = null;
            if (value != null) {
                action = Action.LOADED;
            }
        }
        return value;
    }

    @Override
    public void remove() {
        action = action == Action.CREATED ? Action.NONE : Action.DELETED;
        value = null;
    }

    @Override
    public void setValue(V newValue) {
        Objects.requireNonNull(newValue, "value");
        if (action != Action.CREATED) {
            action = existed ? Action.UPDATED : Action.CREATED;
        }
        this.value = newValue;
    }

    @Override
    public <T> T unwrap(Class<T> clazz) {
        if (clazz.isInstance(this)) {
            return clazz.cast(this);
        }
        throw new IllegalArgumentException("an entry cannot be unwrapped to " + clazz);
    }
}
