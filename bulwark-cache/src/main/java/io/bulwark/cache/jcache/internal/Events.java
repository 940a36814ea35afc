package io.bulwark.cache.jcache.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.cache.Cache;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.Factory;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryEventFilter;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.CacheEntryListener;
import javax.cache.event.CacheEntryListenerException;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.event.EventType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entry listeners of one cache and the events an operation produced.
 *
 * <p>Design notes. An operation records its events while it holds the entry's lock (so they are
 * in the order of the changes) in a per-thread list, and delivers them when it has released the
 * lock, on the calling thread, before it returns: a listener may use the cache, and a synchronous
 * listener has seen the event when the operation returns, as JSR-107 requires. Asynchronous
 * listeners are delivered the same way (JSR-107 allows it); their exceptions are logged, while a
 * synchronous listener's reach the caller as a {@link CacheEntryListenerException}.
 */
final class Events<K, V> {

    private static final Logger LOG = LoggerFactory.getLogger(Events.class);

    /** One registered listener. */
    record Registration<K, V>(CacheEntryListenerConfiguration<K, V> config, CacheEntryListener<? super K, ? super V> listener,
                              CacheEntryEventFilter<? super K, ? super V> filter) {
    }

    private final List<Registration<K, V>> registrations = new CopyOnWriteArrayList<>();
    private final ThreadLocal<List<JEvent<K, V>>> pending = ThreadLocal.withInitial(ArrayList::new);

    void register(CacheEntryListenerConfiguration<K, V> config) {
        for (Registration<K, V> r : registrations) {
            if (r.config().equals(config)) {
                throw new IllegalArgumentException("this listener configuration is already registered");
            }
        }
        Factory<CacheEntryListener<? super K, ? super V>> listenerFactory = config.getCacheEntryListenerFactory();
        if (listenerFactory == null) {
            return;
        }
        Factory<CacheEntryEventFilter<? super K, ? super V>> filterFactory = config.getCacheEntryEventFilterFactory();
        registrations.add(new Registration<>(config, listenerFactory.create(),
                filterFactory == null ? null : filterFactory.create()));
    }

    /** Removes the registration of {@code config}; returns it, or null. */
    Registration<K, V> deregister(CacheEntryListenerConfiguration<K, V> config) {
        for (Registration<K, V> r : registrations) {
            if (r.config().equals(config)) {
                registrations.remove(r);
                return r;
            }
        }
        return null;
    }

    List<Registration<K, V>> registrations() {
        return List.copyOf(registrations);
    }

    void created(Cache<K, V> cache, K key, V value) {
        record(cache, EventType.CREATED, key, value, null, false);
    }

    void updated(Cache<K, V> cache, K key, V oldValue, V value) {
        record(cache, EventType.UPDATED, key, value, oldValue, true);
    }

    void removed(Cache<K, V> cache, K key, V oldValue) {
        record(cache, EventType.REMOVED, key, oldValue, oldValue, true);
    }

    void expired(Cache<K, V> cache, K key, V oldValue) {
        record(cache, EventType.EXPIRED, key, oldValue, oldValue, true);
    }

    private void record(Cache<K, V> cache, EventType type, K key, V value, V oldValue, boolean hasOld) {
        if (!registrations.isEmpty()) {
            pending.get().add(new JEvent<>(cache, type, key, value, oldValue, hasOld));
        }
    }

    /** Forgets this thread's recorded events (the operation failed before they happened). */
    void discard() {
        pending.get().clear();
    }

    /**
     * Delivers this thread's recorded events.
     *
     * @throws CacheEntryListenerException when a synchronous listener failed (after every event was delivered)
     */
    void deliver() {
        List<JEvent<K, V>> events = pending.get();
        if (events.isEmpty()) {
            return;
        }
        List<JEvent<K, V>> batch = List.copyOf(events);
        events.clear();
        CacheEntryListenerException failure = null;
        for (JEvent<K, V> event : batch) {
            for (Registration<K, V> r : registrations) {
                try {
                    deliver(r, event);
                } catch (RuntimeException e) {
                    if (!r.config().isSynchronous()) {
                        LOG.warn("An asynchronous cache entry listener failed on a {} event; the operation stands", event.getEventType(), e);
                        continue;
                    }
                    CacheEntryListenerException wrapped = e instanceof CacheEntryListenerException l
                            ? l : new CacheEntryListenerException(e);
                    if (failure == null) {
                        failure = wrapped;
                    } else if (failure != wrapped) {
                        failure.addSuppressed(wrapped);
                    }
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @SuppressWarnings("unchecked")
    private void deliver(Registration<K, V> r, JEvent<K, V> event) {
        CacheEntryListener<? super K, ? super V> l = r.listener();
        boolean wants = switch (event.getEventType()) {
            case CREATED -> l instanceof CacheEntryCreatedListener;
            case UPDATED -> l instanceof CacheEntryUpdatedListener;
            case REMOVED -> l instanceof CacheEntryRemovedListener;
            case EXPIRED -> l instanceof CacheEntryExpiredListener;
        };
        if (!wants || (r.filter() != null && !r.filter().evaluate(event))) {
            return;
        }
        List<CacheEntryEvent<? extends K, ? extends V>> one = List.of(event);
        Iterable<CacheEntryEvent<? extends K, ? extends V>> events = one;
        switch (event.getEventType()) {
            case CREATED -> ((CacheEntryCreatedListener<K, V>) l).onCreated(events);
            case UPDATED -> ((CacheEntryUpdatedListener<K, V>) l).onUpdated(events);
            case REMOVED -> ((CacheEntryRemovedListener<K, V>) l).onRemoved(events);
            case EXPIRED -> ((CacheEntryExpiredListener<K, V>) l).onExpired(events);
        }
    }
}
