package io.bulwark.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.test.services.LocalService;
import io.bulwark.test.services.RequiresService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Endpoint limits kept in Redis: two servers share one limit, and /health reports the Redis limiters. */
@RequiresService(LocalService.REDIS)
class RateLimitRedisTest {

    @TempDir
    Path dirA;
    @TempDir
    Path dirB;

    private BulwarkServer start(Path dir, String prefix) {
        // fail-closed with a long command timeout: this test is about sharing, so a slow Redis on a
        // loaded machine must fail the request loudly rather than fall back to a local share.
        return TestServers.start(dir, Map.of("log.access", "false", "ratelimit.redis.uri", "redis://127.0.0.1:6379",
                "ratelimit.redis.commandTimeout", "5s", "ratelimit.redis.failureMode", "fail-closed",
                "ratelimit.endpoints." + prefix + ".route", "GET /api/v1/server",
                "ratelimit.endpoints." + prefix + ".limits", "4/1h", "ratelimit.endpoints." + prefix + ".key", "ip"));
    }

    @Test
    void twoServersShareOneLimitThroughRedis() {
        // A fresh endpoint name per run: the limit's keys in Redis are named after it.
        String name = "shared" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        try (BulwarkServer a = start(dirA, name); BulwarkServer b = start(dirB, name)) {
            Http httpA = new Http(a.uri());
            Http httpB = new Http(b.uri());
            assertThat(httpA.get("/api/v1/server").status()).isEqualTo(200);
            assertThat(httpB.get("/api/v1/server").status()).isEqualTo(200);
            assertThat(httpA.get("/api/v1/server").status()).isEqualTo(200);
            Http.Response fourth = httpB.get("/api/v1/server");
            assertThat(fourth.status()).isEqualTo(200);
            assertThat(fourth.header("X-RateLimit-Remaining")).isEqualTo("0");

            Http.Response fifth = httpA.get("/api/v1/server");
            assertThat(fifth.status()).isEqualTo(429);
            assertThat(fifth.header("Retry-After")).isNotNull();

            JsonNode health = httpA.get("/health").json();
            assertThat(health.get("checks").get("rateLimitRedis").get("status").asText()).isEqualTo("UP");
        }
    }
}
