package io.bulwark.redis.lock;

import io.bulwark.redis.RedisConnections;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The shared Redis on 127.0.0.1:6379 for the lock tests: connections, a namespace no other test
 * (or earlier run) uses, its removal afterwards, and the server's time.
 */
final class LockRedis {

    static final String URI = "redis://127.0.0.1:6379";

    private LockRedis() {
    }

    /** A connection with a generous timeout (the machine is shared and busy). */
    static RedisConnections connect() {
        return RedisConnections.builder().uri(URI).commandTimeout(Duration.ofSeconds(5)).build();
    }

    /** A fresh key prefix, e.g. {@code bulwark-test:<uuid>:}. */
    static String uniqueNamespace() {
        return "bulwark-test:" + UUID.randomUUID() + ":";
    }

    /** Deletes every key that starts with {@code prefix} (glob characters in it escaped). */
    static void deleteAll(RedisConnections redis, String prefix) {
        RedisCommands<String, String> c = redis.connection().sync();
        ScanArgs match = ScanArgs.Builder.matches(RedisLockStore.glob(prefix) + "*").limit(500);
        KeyScanCursor<String> cursor = c.scan(ScanCursor.INITIAL, match);
        while (true) {
            if (!cursor.getKeys().isEmpty()) {
                c.del(cursor.getKeys().toArray(String[]::new));
            }
            if (cursor.isFinished()) {
                return;
            }
            cursor = c.scan(cursor, match);
        }
    }

    /** The Redis server's time. */
    static Instant serverTime(RedisConnections redis) {
        List<String> time = redis.connection().sync().time();
        return Instant.ofEpochSecond(Long.parseLong(time.get(0)), Long.parseLong(time.get(1)) * 1000);
    }
}
