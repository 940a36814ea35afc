package io.bulwark.redis.ratelimit;

import io.bulwark.redis.RedisConnections;
import io.bulwark.test.services.LocalService;
import io.bulwark.test.services.RequiresService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Tests on the shared Redis on 127.0.0.1:6379: skipped (or failed, in CI) when it is down; one connection per class. */
@RequiresService(LocalService.REDIS)
abstract class SharedRedisTest {

    static RedisConnections redis;

    @BeforeAll
    static void connect() {
        redis = RedisFixture.shared();
    }

    @AfterAll
    static void close() {
        redis.close();
    }
}
