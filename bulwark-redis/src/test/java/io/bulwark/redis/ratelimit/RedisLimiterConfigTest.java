package io.bulwark.redis.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bulwark.core.time.SettableClock;
import io.bulwark.ratelimit.Algorithm;
import io.bulwark.ratelimit.Limit;
import io.bulwark.ratelimit.RateLimitConfig;
import io.bulwark.redis.RedisConnections;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Bad configuration fails at once with a message naming the field, the value and what is allowed. */
class RedisLimiterConfigTest {

    @Test
    void anUnknownFailureModeNamesTheAllowedOnes() {
        assertThatThrownBy(() -> RedisFailureMode.parse("fail-sideways"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown failure mode 'fail-sideways', allowed: fail-open, fail-closed, local");
        assertThatThrownBy(() -> RedisLimiterOptions.builder().failureMode((String) null))
                .hasMessageContaining("unknown failure mode 'null'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"fail-open", "FAIL_OPEN", "failOpen", " fail-open "})
    void failureModesParseInEveryUsualSpelling(String text) {
        assertThat(RedisFailureMode.parse(text)).isEqualTo(RedisFailureMode.FAIL_OPEN);
    }

    @Test
    void optionsRejectEachBadValueByName() {
        assertThatThrownBy(() -> RedisLimiterOptions.builder().expectedNodes(0))
                .hasMessage("expectedNodes must be >= 1 but was 0");
        assertThatThrownBy(() -> RedisLimiterOptions.builder().recoveryBackoff(Duration.ZERO))
                .hasMessage("recoveryBackoff must be > 0 but was PT0S");
        assertThatThrownBy(() -> RedisLimiterOptions.builder().keyPrefix("has space"))
                .hasMessageContaining("keyPrefix must be").hasMessageContaining("'has space'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:6379", "127.0.0.1:6379", "redis://", "redis://:6379", ""})
    void aBadUriIsRefusedWithTheExpectedShape(String uri) {
        assertThatThrownBy(() -> RedisConnections.builder().uri(uri))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("uri must")
                .hasMessageContaining("'" + uri + "'");
    }

    @Test
    void aBadUriNeverEchoesItsPassword() {
        assertThatThrownBy(() -> RedisConnections.builder().uri("http://user:s3cret@example:6379"))
                .hasMessageNotContaining("s3cret")
                .hasMessageContaining("'http://***@example:6379'");
    }

    @Test
    void connectionsRefuseNonPositiveTimeoutsAndAMissingUri() {
        assertThatThrownBy(() -> RedisConnections.builder().commandTimeout(Duration.ofMillis(-1)))
                .hasMessage("commandTimeout must be > 0 but was PT-0.001S");
        assertThatThrownBy(() -> RedisConnections.builder().build())
                .hasMessageContaining("uri is required");
    }

    @Test
    void aLimitTooLargeForExactArithmeticInLuaIsRefusedNamingTheLimiter() {
        Limit huge = Limit.builder().permits(1_000_000_000L).window(Duration.ofDays(30)).build();
        try (RedisConnections redis = RedisConnections.of("redis://127.0.0.1:1")) {
            assertThatThrownBy(() -> RedisFixture.limiter(redis, RateLimitConfig.of("huge", huge)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("rate limiter 'huge'")
                    .hasMessageContaining("out of range for Redis");
        }
    }

    @Test
    void aDayLongLimitOfAHundredThousandIsAccepted() {
        try (RedisConnections redis = RedisConnections.of("redis://127.0.0.1:1")) {
            for (Algorithm a : Algorithm.values()) {
                RateLimitConfig config = RateLimitConfig.builder("daily").limits("100000/1d", a).build();
                assertThat(RedisFixture.limiter(redis, config).config()).isEqualTo(config);
            }
        }
    }

    @Test
    void aCostNoLimitCouldEverAdmitIsRefusedBeforeAnyNetworkCall() {
        try (RedisConnections redis = RedisConnections.of("redis://127.0.0.1:1")) {
            RedisRateLimiter limiter = RedisFixture.limiter(redis,
                    RateLimitConfig.of("costly", Limit.of(Algorithm.FIXED_WINDOW, 10, Duration.ofMinutes(1))));
            assertThatThrownBy(() -> limiter.tryAcquire("k", 11))
                    .hasMessageContaining("cost 11 can never pass").hasMessageContaining("'costly'");
            assertThatThrownBy(() -> limiter.tryAcquire("k", 0)).hasMessage("cost must be >= 1 but was 0");
            assertThat(limiter.state().degraded()).as("no Redis call was made").isFalse();
        }
    }

    @Test
    void aLimiterNeedsAnInjectedClockAndTicker() {
        try (RedisConnections redis = RedisConnections.of("redis://127.0.0.1:1")) {
            RateLimitConfig config = RateLimitConfig.of("clockless", Limit.parse("1/1s"));
            assertThatThrownBy(() -> RedisRateLimiter.builder(config, redis).build())
                    .hasMessageContaining("clock and ticker are required");
            assertThatThrownBy(() -> RedisRateLimiter.builder(config, redis)
                    .clock(SettableClock.at(Instant.EPOCH)).build())
                    .hasMessageContaining("'clockless'");
        }
    }
}
