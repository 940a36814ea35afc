package io.bulwark.cache.jcache.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.cache.Cache;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheLoaderException;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CacheWriterException;

/**
 * A cache's loader and writer, with JSR-107's rules: read-through and write-through only when
 * configured, and every failure as a {@link CacheLoaderException} or {@link CacheWriterException}.
 */
final class JIntegration<K, V> {

    private final CacheLoader<K, V> loader;
    private final CacheWriter<K, V> writer;
    private final boolean readThrough;
    private final boolean writeThrough;

    JIntegration(CacheLoader<K, V> loader, CacheWriter<K, V> writer, boolean readThrough, boolean writeThrough) {
        this.loader = loader;
        this.writer = writer;
        this.readThrough = readThrough && loader != null;
        this.writeThrough = writeThrough && writer != null;
    }

    /** The loader when the cache reads through it, else null. */
    CacheLoader<K, V> readThroughLoader() {
        return readThrough ? loader : null;
    }

    boolean readsThrough() {
        return readThrough;
    }

    boolean hasLoader() {
        return loader != null;
    }

    V load(K key) {
        return load(loader, key);
    }

    static <K, V> V load(CacheLoader<K, V> loader, K key) {
        try {
            return loader.load(key);
        } catch (CacheLoaderException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CacheLoaderException("the cache loader failed on key " + key, e);
        }
    }

    Map<K, V> loadAll(Collection<K> keys) {
        try {
            Map<K, V> m = loader.loadAll(keys);
            return m == null ? Map.of() : m;
        } catch (CacheLoaderException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CacheLoaderException("the cache loader failed", e);
        }
    }

    void write(K key, V value) {
        if (!writeThrough) {
            return;
        }
        try {
            writer.write(new JEntry<>(key, value));
        } catch (RuntimeException e) {
            throw writeFailure(e);
        }
    }

    void delete(K key) {
        if (!writeThrough) {
            return;
        }
        try {
            writer.delete(key);
        } catch (RuntimeException e) {
            throw writeFailure(e);
        }
    }

    /** Writes {@code entries}; on failure adds the keys not written to {@code failed} and returns the error. */
    CacheWriterException writeAll(Map<? extends K, ? extends V> entries, Set<K> failed) {
        if (!writeThrough || entries.isEmpty()) {
            return null;
        }
        List<Cache.Entry<? extends K, ? extends V>> toWrite = new ArrayList<>();
        entries.forEach((k, v) -> toWrite.add(new JEntry<>(k, v)));
        try {
            writer.writeAll(toWrite);
            return null;
        } catch (RuntimeException e) {
            toWrite.forEach(left -> failed.add(left.getKey())); // the writer leaves what it did not write
            return writeFailure(e);
        }
    }

    /** Deletes {@code keys}; on failure adds the keys not deleted to {@code failed} and returns the error. */
    CacheWriterException deleteAll(Set<K> keys, Set<K> failed) {
        if (!writeThrough || keys.isEmpty()) {
            return null;
        }
        Set<K> toDelete = new LinkedHashSet<>(keys);
        try {
            writer.deleteAll(toDelete);
            return null;
        } catch (RuntimeException e) {
            failed.addAll(toDelete);
            return writeFailure(e);
        }
    }

    /** The loader and writer, for closing. */
    List<Object> parts() {
        List<Object> parts = new ArrayList<>();
        parts.add(loader);
        parts.add(writer);
        return parts;
    }

    private static CacheWriterException writeFailure(RuntimeException e) {
        return e instanceof CacheWriterException w ? w : new CacheWriterException("the cache writer failed", e);
    }
}
