package io.bulwark.cache.jcache.internal;

import javax.cache.Cache;

/** An entry handed out by the iterator (and to writers). */
public final class JEntry<K, V> implements Cache.Entry<K, V> {

    private final K key;
    private final V value;

    JEntry(K key, V value) {
        this.key = key;
        this.value = value;
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
    public <T> T unwrap(Class<T> clazz) {
        if (clazz.isInstance(this)) {
            return clazz.cast(this);
        }
        throw new IllegalArgumentException("a cache entry cannot be unwrapped to " + clazz);
    }

    @Override
    public String toString() {
        return key + "=" + value;
    }
}
