package io.bulwark.server.internal.cluster;

import io.bulwark.cluster.store.LockStore;
import io.bulwark.core.config.BulwarkConfig;
import io.bulwark.redis.RedisConnections;
import io.bulwark.redis.lock.RedisLockStore;
import io.bulwark.server.ClusterKeys;
import io.bulwark.server.StartupException;

/**
 * Where {@code /api/v1/locks} keeps locks ({@code cluster.locks.backend}): the job store's own
 * lock table, or Redis.
 *
 * @param store the lock store
 * @param owned what this opened and must close (the Redis connections), or null
 */
record LockBackends(LockStore store, AutoCloseable owned) {

    /** Opens the lock store {@code cluster.locks.backend} names; {@code fromStore} for {@code store}. */
    static LockBackends open(BulwarkConfig config, LockStore fromStore) {
        if (!config.get(ClusterKeys.LOCKS_BACKEND).equals("redis")) {
            return new LockBackends(fromStore, null);
        }
        String uri = config.get(ClusterKeys.LOCKS_REDIS_URI);
        if (uri.isBlank()) {
            throw new StartupException("cluster.locks.backend=redis needs cluster.locks.redis.uri, e.g. redis://127.0.0.1:6379");
        }
        RedisConnections redis;
        try {
            redis = RedisConnections.of(uri);
        } catch (RuntimeException e) {
            throw new StartupException("cannot use cluster.locks.redis.uri: " + e.getMessage(), e);
        }
        return new LockBackends(RedisLockStore.of(redis), redis);
    }

    /** Closes what this opened. Never throws. */
    void close() {
        if (owned != null) {
            try {
                owned.close();
            } catch (Exception e) {
                org.slf4j.LoggerFactory.getLogger(LockBackends.class).debug("Closing the lock store's Redis failed", e);
            }
        }
    }
}
