package io.bulwark.redis.lock.contention;

import io.bulwark.redis.RedisConnections;
import io.bulwark.redis.lock.RedisLockStore;
import io.bulwark.test.cluster.contention.ContentionBackend;
import java.time.Duration;
import java.util.Map;

/**
 * Locks in a {@link RedisLockStore} and the counter in the same Redis. Settings: {@code uri},
 * {@code namespace} (the lock store's key prefix), {@code counter} (the counter's key prefix).
 */
public final class RedisContentionBackend implements ContentionBackend {

    @Override
    public Resources open(Map<String, String> settings) {
        String uri = ContentionBackend.required(settings, "uri");
        String namespace = ContentionBackend.required(settings, "namespace");
        String counter = ContentionBackend.required(settings, "counter");
        RedisConnections redis = RedisConnections.builder().uri(uri).commandTimeout(Duration.ofSeconds(5)).build();
        return new Resources(RedisLockStore.builder(redis).namespace(namespace).build(),
                new RedisFencedCounter(redis, counter), redis);
    }
}
