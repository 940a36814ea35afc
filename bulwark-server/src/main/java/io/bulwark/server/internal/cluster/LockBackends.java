package io.bulwark.server.internal.cluster;

import io.bulwark.cluster.store.LockStore;
import io.bulwark.core.config.BulwarkConfig;
import io.bulwark.server.ClusterKeys;
import io.bulwark.server.StartupException;

/** Picks where {@code /api/v1/locks} keeps locks: {@code cluster.locks.backend}. */
final class LockBackends {

    private LockBackends() {
    }

    /** The lock store {@code cluster.locks.backend} names; {@code fromStore} for {@code store}. */
    static LockStore open(BulwarkConfig config, LockStore fromStore) {
        if (config.get(ClusterKeys.LOCKS_BACKEND).equals("redis")) {
            String uri = config.get(ClusterKeys.LOCKS_REDIS_URI);
            if (uri.isBlank()) {
                throw new StartupException("cluster.locks.backend=redis needs cluster.locks.redis.uri, e.g. "
                        + "redis://127.0.0.1:6379");
            }
            throw new StartupException("cluster.locks.backend=redis is not available yet");
        }
        return fromStore;
    }

    /** Closes {@code locks} when this opened it (Redis), not when it is the job store's. */
    static void closeIfOwned(LockStore locks, LockStore fromStore) {
        if (locks != fromStore) {
            locks.close();
        }
    }
}
