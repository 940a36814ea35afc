package io.bulwark.cache.jcache.internal;

import javax.cache.Cache;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.EventType;

/** One cache entry event: for REMOVED and EXPIRED, the value is the one that went (JSR-107 1.1). */
final class JEvent<K, V> extends CacheEntryEvent<K, V> {

    private static final long serialVersionUID = 1L;

    private final K key;
    private final transient V value;
    private final transient V oldValue;
    private final boolean hasOldValue;

    JEvent(Cache<K, V> source, EventType type, K key, V value, V oldValue, boolean hasOldValue) {
        super(source, type);
        this.key = key;
        this.value = value;
        this.oldValue = oldValue;
        this.hasOldValue = hasOldValue;
    }

    @Override
    public K getKey() {
        return key;
    }

    @Override
    public V getValue() {
        return value;
    }

    @Override
    public V getOldValue() {
        return oldValue;
    }

    @Override
    public boolean isOldValueAvailable() {
        return hasOldValue;
    }

    @Override
    public <T> T unwrap(Class<T> clazz) {
        if (clazz.isInstance(this)) {
            return clazz.cast(this);
        }
        throw new IllegalArgumentException("an event cannot be unwrapped to " + clazz);
    }
}
