package io.bulwark.redis.ratelimit;

import io.bulwark.test.services.RedisServerProcess;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bulwark.core.health.HealthResult;
import io.bulwark.core.health.HealthStatus;
import io.bulwark.core.time.SettableClock;
import io.bulwark.ratelimit.Decision;
import io.bulwark.ratelimit.Limit;
import io.bulwark.ratelimit.RateLimitConfig;
import io.bulwark.redis.RedisConnections;
import io.bulwark.redis.ratelimit.RedisLimiterState.Status;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Redis killed in the middle of a run: each failure mode takes over, the state, health and
 * metrics say so, and decisions go back to Redis once it answers again and the recovery
 * back-off has passed. Runs a private redis-server (the shared one on 6379 stays up).
 */
class RedisOutageFallbackTest {

    private static final Duration BACKOFF = Duration.ofSeconds(1);

    @TempDir
    Path logs;

    private RedisServerProcess server;
    private RedisConnections redis;
    private final AtomicLong ticker = new AtomicLong(1_000_000_000L);
    private final SettableClock clock = SettableClock.at(Instant.parse("2026-01-01T00:00:00Z"));
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @BeforeEach
    void startRedis() throws Exception {
        server = RedisServerProcess.start(logs);
        redis = RedisConnections.builder().uri(server.uri()).commandTimeout(Duration.ofSeconds(1))
                .connectTimeout(Duration.ofSeconds(1)).build();
    }

    @AfterEach
    void stopRedis() throws Exception {
        if (redis != null) {
            redis.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void failClosedRejectsWhileRedisIsDownAndRecoversAfterTheBackoff() throws Exception {
        RedisRateLimiter limiter = limiter("closed", RedisFailureMode.FAIL_CLOSED, 1, "100/1h");
        assertThat(limiter.tryAcquire("k").allowed()).isTrue();
        assertThat(limiter.state().status()).isEqualTo(Status.CONNECTED);

        server.kill();
        clock.advance(Duration.ofSeconds(5));
        Decision down = limiter.tryAcquire("k");

        assertThat(down.allowed()).isFalse();
        assertThat(down.retryAfter()).isEqualTo(BACKOFF);
        RedisLimiterState state = limiter.state();
        assertThat(state.status()).isEqualTo(Status.DEGRADED);
        assertThat(state.since()).isEqualTo(clock.instant());
        assertThat(state.lastError()).isPresent();
        assertThat(fallbacks("closed", "fail-closed")).isEqualTo(1.0);
        assertThat(stateGauge("closed")).isEqualTo(0.0);
        HealthResult health = new RedisLimiterHealthCheck(() -> List.of(limiter)).check();
        assertThat(health.status()).isEqualTo(HealthStatus.DEGRADED);
        assertThat(health.details()).containsKey("closed");

        server.startAgain();
        // Redis is back, but the back-off has not passed: still the failure mode, no probe
        assertThat(limiter.tryAcquire("k").allowed()).isFalse();
        assertThat(limiter.state().status()).isEqualTo(Status.DEGRADED);

        ticker.addAndGet(BACKOFF.toNanos());
        clock.advance(Duration.ofSeconds(1));
        Decision back = limiter.tryAcquire("k");

        assertThat(back.allowed()).isTrue();
        assertThat(back.remaining()).isEqualTo(99); // a fresh Redis: the one acquisition of this run
        assertThat(limiter.state().status()).isEqualTo(Status.CONNECTED);
        assertThat(limiter.state().since()).isEqualTo(clock.instant());
        assertThat(stateGauge("closed")).isEqualTo(1.0);
        assertThat(fallbacks("closed", "fail-closed")).isEqualTo(2.0);
        assertThat(new RedisLimiterHealthCheck(() -> List.of(limiter)).check().status()).isEqualTo(HealthStatus.UP);
    }

    @Test
    void failOpenAllowsPastTheLimitWhileRedisIsDown() throws Exception {
        RedisRateLimiter limiter = limiter("open", RedisFailureMode.FAIL_OPEN, 1, "1/1h");
        assertThat(limiter.tryAcquire("k").allowed()).isTrue();
        assertThat(limiter.tryAcquire("k").allowed()).isFalse();

        server.kill();

        assertThat(IntStream.range(0, 5).mapToObj(i -> limiter.tryAcquire("k")))
                .allSatisfy(d -> assertThat(d.allowed()).isTrue());
        assertThat(limiter.state().degraded()).isTrue();
        assertThat(fallbacks("open", "fail-open")).isEqualTo(5.0);
    }

    @Test
    void localModeKeepsThisNodesShareOfTheLimit() throws Exception {
        RedisRateLimiter limiter = limiter("local", RedisFailureMode.LOCAL, 4, "20/1h");
        assertThat(limiter.tryAcquire("k").allowed()).isTrue();

        server.kill();

        long admitted = IntStream.range(0, 12).filter(i -> limiter.tryAcquire("k").allowed()).count();
        assertThat(admitted).as("20 permits shared by 4 nodes: 5 for this one").isEqualTo(5);
        assertThat(limiter.usage("k").limits().getFirst().remaining()).isZero();
        assertThat(fallbacks("local", "local")).isEqualTo(12.0);
    }

    @Test
    void aFailedProbeKeepsTheLimiterDegradedAndWaitsAnotherBackoff() throws Exception {
        RedisRateLimiter limiter = limiter("probe", RedisFailureMode.FAIL_CLOSED, 1, "100/1h");
        server.kill();
        limiter.tryAcquire("k");
        Instant since = limiter.state().since();

        clock.advance(Duration.ofSeconds(3));
        ticker.addAndGet(BACKOFF.toNanos());
        assertThat(limiter.tryAcquire("k").allowed()).isFalse(); // the probe, still refused

        assertThat(limiter.state().status()).isEqualTo(Status.DEGRADED);
        assertThat(limiter.state().since()).as("degraded since the first failure").isEqualTo(since);
        server.startAgain();
        assertThat(limiter.tryAcquire("k").allowed()).as("no probe before another back-off").isFalse();
        ticker.addAndGet(BACKOFF.toNanos());
        assertThat(limiter.tryAcquire("k").allowed()).isTrue();
    }

    @Test
    void aRedisDownAtStartDegradesTheFirstDecisionInsteadOfFailingTheBuild() throws Exception {
        server.kill();
        RedisRateLimiter limiter = limiter("cold", RedisFailureMode.FAIL_OPEN, 1, "1/1h");

        assertThat(limiter.tryAcquire("k").allowed()).isTrue();
        assertThat(limiter.state().degraded()).isTrue();
    }

    @Test
    void aCommandTimeoutCountsAsRedisAwayAndTheLimiterRecoversWhenRedisAnswersAgain() throws Exception {
        try (RedisConnections slow = RedisConnections.builder().uri(server.uri())
                .commandTimeout(Duration.ofMillis(200)).build();
             RedisConnections admin = RedisConnections.of(server.uri())) {
            RedisRateLimiter limiter = RedisRateLimiter.builder(RateLimitConfig.of("paused", Limit.parse("1/1h")), slow)
                    .options(RedisLimiterOptions.builder().failureMode(RedisFailureMode.FAIL_CLOSED)
                            .recoveryBackoff(BACKOFF).build())
                    .clock(clock).ticker(ticker::get).meterRegistry(meters).build();
            assertThat(limiter.tryAcquire("k").allowed()).isTrue();

            admin.connection().sync().clientPause(1_000); // every client's commands wait 1 s
            Decision paused = limiter.tryAcquire("k");

            assertThat(paused.allowed()).isFalse();
            assertThat(limiter.state().lastError()).hasValueSatisfying(e -> assertThat(e).containsIgnoringCase("timeout"));
            ticker.addAndGet(BACKOFF.toNanos());
            await("the pause ends and the limiter decides on Redis again").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        limiter.tryAcquire("k");
                        ticker.addAndGet(BACKOFF.toNanos());
                        return !limiter.state().degraded();
                    });
            assertThat(limiter.tryAcquire("k").allowed()).as("1/1h was used before the pause").isFalse();
        }
    }

    @Test
    void aFlushedScriptIsLoadedAgainWithoutFallingBack() {
        RedisRateLimiter limiter = limiter("flushed", RedisFailureMode.FAIL_CLOSED, 1, "3/1h");
        assertThat(limiter.tryAcquire("k").allowed()).isTrue();

        redis.connection().sync().scriptFlush();

        assertThat(limiter.tryAcquire("k").allowed()).isTrue();
        assertThat(limiter.usage("k").limits().getFirst().remaining()).isEqualTo(1);
        assertThat(limiter.state().degraded()).isFalse();
    }

    private RedisRateLimiter limiter(String name, RedisFailureMode mode, int nodes, String limits) {
        RateLimitConfig config = RateLimitConfig.builder(name).limit(Limit.parse(limits)).build();
        return RedisRateLimiter.builder(config, redis)
                .options(RedisLimiterOptions.builder().failureMode(mode).expectedNodes(nodes)
                        .recoveryBackoff(BACKOFF).keyPrefix("bulwark:test:" + System.nanoTime() + ":").build())
                .clock(clock).ticker(ticker::get).meterRegistry(meters)
                .build();
    }

    private double fallbacks(String limiter, String mode) {
        return meters.get("bulwark.ratelimit.redis.fallback").tag("limiter", limiter).tag("mode", mode).counter().count();
    }

    private double stateGauge(String limiter) {
        return meters.get("bulwark.ratelimit.redis.state").tag("limiter", limiter).gauge().value();
    }
}
