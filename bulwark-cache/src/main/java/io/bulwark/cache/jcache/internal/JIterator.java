package io.bulwark.cache.jcache.internal;

import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import javax.cache.Cache;

/** A cache's iterator: live entries only, each counted as a hit and moving its access expiry. */
final class JIterator<K, V> implements Iterator<Cache.Entry<K, V>> {

    private final JCache<K, V> cache;
    private final JStore<K, V> store;
    private final JExpiry expiry;
    private final JStatistics stats;
    private final Copier copier;
    private final Iterator<Map.Entry<K, Expirable<V>>> delegate;
    private Map.Entry<K, Expirable<V>> next;
    private K last;

    JIterator(JCache<K, V> cache, JStore<K, V> store, JExpiry expiry, JStatistics stats, Copier copier) {
        this.cache = cache;
        this.store = store;
        this.expiry = expiry;
        this.stats = stats;
        this.copier = copier;
        this.delegate = store.map().entrySet().iterator();
    }

    @Override
    public boolean hasNext() {
        while (next == null && delegate.hasNext()) {
            Map.Entry<K, Expirable<V>> e = delegate.next();
            if (!e.getValue().expired(expiry.now())) {
                store.accessed(e.getKey(), e.getValue());
                next = e;
            }
        }
        return next != null;
    }

    @Override
    public Cache.Entry<K, V> next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        stats.hits(1);
        Map.Entry<K, Expirable<V>> e = next;
        next = null;
        last = e.getKey();
        return new JEntry<>(copier.copy(e.getKey()), copier.copy(e.getValue().value));
    }

    @Override
    public void remove() {
        if (last == null) {
            throw new IllegalStateException("next() was not called, or remove() was already called");
        }
        cache.remove(last);
        last = null;
    }
}
