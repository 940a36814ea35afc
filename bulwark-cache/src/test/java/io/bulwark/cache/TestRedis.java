package io.bulwark.cache;

import java.time.Duration;
import java.util.UUID;

/** The shared Redis on 6379 that the cache tests use, and names no other test (or earlier run) used. */
final class TestRedis {

    static final String SHARED_URI = "redis://127.0.0.1:6379";

    private TestRedis() {
    }

    /** Connections with generous timeouts: the machine is shared and busy, and a timeout would degrade the cache. */
    static CacheRedis connect(String uri) {
        return CacheRedis.builder().uri(uri).commandTimeout(Duration.ofSeconds(5)).connectTimeout(Duration.ofSeconds(5)).build();
    }

    static CacheRedis shared() {
        return connect(SHARED_URI);
    }

    static String uniqueName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
