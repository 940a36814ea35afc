package io.bulwark.redis;

import io.bulwark.test.services.LocalService;
import io.bulwark.test.services.RequiresService;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The shared connection: callers that arrive together get it; a Redis that is not there fails fast. */
class RedisConnectionsTest {

    @Test
    @RequiresService(LocalService.REDIS)
    void callersArrivingTogetherAtTheFirstUseAllGetTheOneConnection() throws Exception {
        int callers = 32;
        try (RedisConnections redis = RedisConnections.builder().uri("redis://127.0.0.1:6379")
                .commandTimeout(Duration.ofSeconds(5)).build();
             ExecutorService pool = Executors.newFixedThreadPool(callers)) {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<StatefulRedisConnection<String, String>>> got = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                got.add(pool.submit(() -> {
                    start.await();
                    return redis.connection();
                }));
            }
            start.countDown();
            StatefulRedisConnection<String, String> first = got.get(0).get(10, TimeUnit.SECONDS);
            for (Future<StatefulRedisConnection<String, String>> g : got) {
                assertThat(g.get(10, TimeUnit.SECONDS)).as("one shared connection, none refused").isSameAs(first);
            }
            assertThat(first.sync().ping()).isEqualTo("PONG");
        }
    }

    @Test
    void aRedisThatIsNotThereFailsWithTheUriNamed() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        try (RedisConnections redis = RedisConnections.builder().uri("redis://127.0.0.1:" + port).build()) {
            assertThatThrownBy(redis::connection).isInstanceOf(RedisConnectionException.class)
                    .hasMessageContaining(":" + port);
        }
    }
}
