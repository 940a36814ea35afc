package io.bulwark.redis.lock;

import io.bulwark.cluster.store.LockStore;
import io.bulwark.redis.RedisConnections;
import io.bulwark.redis.lock.contention.RedisContentionBackend;
import io.bulwark.redis.lock.contention.RedisFencedCounter;
import io.bulwark.test.cluster.contention.ContentionBackend;
import io.bulwark.test.cluster.contention.FencedCounter;
import io.bulwark.test.cluster.contention.LockContentionContract;
import io.bulwark.test.services.LocalService;
import io.bulwark.test.services.RequiresService;
import java.util.Map;

/**
 * Real processes contending for one Redis lock through {@code Locks} over {@link RedisLockStore}
 * (see {@link LockContentionContract}): the counter lives in the same Redis, its check-and-set one
 * Lua script; each test has a namespace of its own, deleted afterwards.
 */
@RequiresService(LocalService.REDIS)
class RedisLockContentionTest extends LockContentionContract {

    private final String namespace = LockRedis.uniqueNamespace();
    private RedisConnections redis;
    private FencedCounter counter;

    @Override
    protected void open() {
        redis = LockRedis.connect();
        counter = new RedisFencedCounter(redis, namespace + "counter:");
    }

    @Override
    protected Class<? extends ContentionBackend> backend() {
        return RedisContentionBackend.class;
    }

    @Override
    protected Map<String, String> settings() {
        return Map.of("uri", LockRedis.URI, "namespace", namespace, "counter", namespace + "counter:");
    }

    @Override
    protected FencedCounter counter() {
        return counter;
    }

    @Override
    protected LockStore store() {
        return RedisLockStore.builder(redis).namespace(namespace).build();
    }

    @Override
    protected long lastTokenIssued() {
        return Long.parseLong(redis.connection().sync().get(namespace + "token:" + LOCK));
    }

    @Override
    protected void cleanup() {
        if (redis != null) {
            LockRedis.deleteAll(redis, namespace);
            redis.close();
        }
    }
}
