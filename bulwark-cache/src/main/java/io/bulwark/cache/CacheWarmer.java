package io.bulwark.cache;

import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * Where a warm-up takes its keys and values: {@link #keys()} lists what to load, and
 * {@link #loadAll} loads one batch. Keys already in the L2 (another node warmed them) are not
 * loaded again.
 *
 * <pre>{@code
 * CacheWarmer<String, Product> topSellers = CacheWarmer.of(
 *         () -> catalog.topSellerSkus(1_000),
 *         skus -> catalog.findAll(skus));
 * }</pre>
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface CacheWarmer<K, V> {

    /** The keys to warm. */
    Collection<? extends K> keys();

    /** The values of one batch of keys; keys left out are counted as failed. */
    Map<K, V> loadAll(Set<K> keys);

    /** A warmer from two lambdas. */
    static <K, V> CacheWarmer<K, V> of(java.util.function.Supplier<? extends Collection<? extends K>> keys,
                                       java.util.function.Function<Set<K>, Map<K, V>> loadAll) {
        return new CacheWarmer<>() {
            @Override
            public Collection<? extends K> keys() {
                return keys.get();
            }

            @Override
            public Map<K, V> loadAll(Set<K> batch) {
                return loadAll.apply(batch);
            }
        };
    }
}
