package io.bulwark.redis.lock;

import io.bulwark.cluster.store.LockStore;
import io.bulwark.core.time.SettableClock;
import io.bulwark.redis.RedisConnections;
import io.bulwark.test.cluster.LockStoreContract;
import io.bulwark.test.services.LocalService;
import io.bulwark.test.services.RequiresService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link RedisLockStore} keeps every lock-store rule, on the shared Redis.
 *
 * <p>The contract moves time by hand, and Redis' {@code TIME} cannot be set; so, as the database
 * stores' runs replace the database's clock ({@code DatabaseOptions.clock}), this run gives the
 * store the contract's clock ({@link RedisLockStore.Builder#clock}), which the scripts read in
 * place of {@code TIME}. Everything else is the production path: the same scripts, EVALSHA, the
 * token counter. Key expiry ({@code PX}) still follows the server's real clock; the contract's
 * ttls (5 s and more) outlast each test's real run, so no key lapses under it. That the real
 * {@code TIME} decides, and real expiry, are {@link RedisLockStoreTest}'s.
 *
 * <p>Each test gets a namespace of its own (so tokens start at 1), deleted afterwards.
 */
@RequiresService(LocalService.REDIS)
class RedisLockStoreContractTest extends LockStoreContract {

    private static RedisConnections redis;
    private String namespace;

    @BeforeAll
    static void connect() {
        redis = LockRedis.connect();
    }

    @AfterAll
    static void disconnect() {
        if (redis != null) {
            redis.close();
        }
    }

    @Override
    protected LockStore open(SettableClock clock) {
        namespace = LockRedis.uniqueNamespace();
        return RedisLockStore.builder(redis).namespace(namespace).clock(clock).build();
    }

    @Override
    protected void cleanup() {
        LockRedis.deleteAll(redis, namespace);
    }
}
