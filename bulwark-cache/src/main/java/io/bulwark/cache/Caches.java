package io.bulwark.cache;

import com.fasterxml.jackson.core.type.TypeReference;
import java.util.Objects;
import java.util.function.Function;

/**
 * Where caches start: a builder per cache, with string keys and JSON values until told otherwise.
 *
 * <pre>{@code
 * Cache<String, Product> products = Caches.builder("products", Product.class)
 *         .l2("redis://127.0.0.1:6379")
 *         .ttl(Duration.ofMinutes(10))
 *         .build();
 * Product p = products.get("sku-42", catalog::find);
 *
 * // from configuration
 * Cache<String, Product> fromConfig = Caches.builder(CacheConfig.builder("products").maximumSize(50_000).build(),
 *         Product.class).build();
 * }</pre>
 */
public final class Caches {

    private Caches() {
    }

    /** A cache {@code name} of {@code type} values, stored in Redis as JSON. */
    public static <V> CacheBuilder<String, V> builder(String name, Class<V> type) {
        return builder(name, CacheCodec.json(type));
    }

    /** A cache {@code name} of generic values: {@code Caches.builder("lists", new TypeReference<List<Item>>() {})}. */
    public static <V> CacheBuilder<String, V> builder(String name, TypeReference<V> type) {
        return builder(name, CacheCodec.json(type));
    }

    /** A cache {@code name} whose values {@code codec} writes for Redis. */
    public static <V> CacheBuilder<String, V> builder(String name, CacheCodec<V> codec) {
        return new CacheBuilder<>(CacheConfig.builder(name), codec, Function.identity());
    }

    /** A cache as {@code config} describes it, of {@code type} values in JSON. */
    public static <V> CacheBuilder<String, V> builder(CacheConfig config, Class<V> type) {
        return builder(config, CacheCodec.json(type));
    }

    /** A cache as {@code config} describes it, whose values {@code codec} writes for Redis. */
    public static <V> CacheBuilder<String, V> builder(CacheConfig config, CacheCodec<V> codec) {
        Objects.requireNonNull(config, "config");
        return new CacheBuilder<>(config.toBuilder(), codec, Function.identity());
    }
}
