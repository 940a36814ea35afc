package io.bulwark.cache;

import io.bulwark.test.services.LocalService;
import io.bulwark.test.services.RequiresService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The contract on an L2 alone: every read goes to the shared Redis on 6379. */
@RequiresService(LocalService.REDIS)
class L2OnlyCacheTest extends CacheContract {

    static CacheRedis redis;

    @BeforeAll
    static void connect() {
        redis = TestRedis.shared();
    }

    @AfterAll
    static void disconnect() {
        redis.close();
    }

    @Override
    <K, V> CacheBuilder<K, V> levels(CacheBuilder<K, V> builder) {
        return builder.l1(false).l2(redis);
    }
}
