package io.bulwark.cache.internal;

import com.github.benmanes.caffeine.cache.Ticker;
import io.bulwark.cache.CacheCodec;
import io.bulwark.cache.CacheConfig;
import io.bulwark.cache.CacheWarmer;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.InstantSource;
import java.util.Collection;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * What {@link io.bulwark.cache.CacheBuilder} hands to {@link TwoLevelCache}: the configuration
 * and the code-only parts, checked.
 *
 * @param redis the Redis of the L2, or null without L2
 * @param ownsRedis whether the cache closes {@code redis} when it closes
 * @param loader the default loader, or null
 * @param tagger adds tags per entry, or null
 * @param warmer the warm-up source, or null
 * @param weigher weighs values against {@code maximumWeight}, or null to bound by entry count
 * @param registry where meters go, or null
 */
public record Parts<K, V>(CacheConfig config, CacheCodec<V> codec, Function<? super K, String> keyEncoder,
                          RedisLink redis, AutoCloseable ownsRedis, Function<? super K, ? extends V> loader,
                          BiFunction<? super K, ? super V, ? extends Collection<String>> tagger,
                          CacheWarmer<K, V> warmer, long maximumWeight, ToIntFunction<? super V> weigher,
                          InstantSource clock, Ticker ticker, Executor executor, MeterRegistry registry) {
}
