package io.bulwark.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LimitTest {

    @ParameterizedTest
    @CsvSource({
            "100/1m, 100, PT1M",
            "5000/1h, 5000, PT1H",
            "100000/1d, 100000, PT24H",
            "10/second, 10, PT1S",
            "7/minute, 7, PT1M",
            "3/hour, 3, PT1H",
            "2/day, 2, PT24H",
            "50/250ms, 50, PT0.25S",
            "60/30s, 60, PT30S",
            "' 5 / m ', 5, PT1M"})
    void parsesPermitsPerWindowInEveryUnit(String text, long permits, Duration window) {
        Limit limit = Limit.parse(text);
        assertThat(limit.permits()).isEqualTo(permits);
        assertThat(limit.window()).isEqualTo(window);
        assertThat(limit.algorithm()).isEqualTo(Algorithm.TOKEN_BUCKET);
        assertThat(limit.burst()).isEqualTo(permits);
        assertThat(limit.maxDelay()).isZero();
    }

    @Test
    void specReadsBackTheSameLimit() {
        assertThat(Limit.parse("100/1m").spec()).isEqualTo("100/1m");
        assertThat(Limit.parse(Limit.parse("5000/hour").spec())).isEqualTo(Limit.parse("5000/1h"));
    }

    @Test
    void zeroOrNegativePermitsNameTheField() {
        assertThatThrownBy(() -> Limit.parse("0/1m")).hasMessage("permits must be >= 1 but was 0");
        assertThatThrownBy(() -> Limit.parse("-5/1m")).hasMessage("permits must be >= 1 but was -5");
        assertThatThrownBy(() -> Limit.builder().permits(0)).hasMessage("permits must be >= 1 but was 0");
    }

    @Test
    void unknownUnitNamesTheAllowedUnits() {
        assertThatThrownBy(() -> Limit.parse("100/1w"))
                .hasMessage("unknown unit 'w' in limit '100/1w', allowed: ms, s, m, h, d, second, minute, hour, day");
    }

    @Test
    void zeroWindowAndMalformedTextAreRefused() {
        assertThatThrownBy(() -> Limit.parse("100/0m")).hasMessageContaining("window must be > 0");
        assertThatThrownBy(() -> Limit.parse("lots")).hasMessageContaining("must look like PERMITS/WINDOW");
        assertThatThrownBy(() -> Limit.parse(null)).hasMessageContaining("must look like PERMITS/WINDOW");
    }

    @Test
    void unknownAlgorithmListsTheAllowedOnes() {
        assertThatThrownBy(() -> Algorithm.parse("tokenbuckett")).hasMessage(
                "unknown algorithm 'tokenbuckett', allowed: token-bucket, leaky-bucket, leaky-bucket-pacing, "
                        + "fixed-window, sliding-log, sliding-counter");
        assertThat(Algorithm.parse("SLIDING_LOG")).isEqualTo(Algorithm.SLIDING_LOG);
        assertThat(Algorithm.parse(" Token-Bucket ")).isEqualTo(Algorithm.TOKEN_BUCKET);
    }

    @Test
    void pacingDefaultsItsMaxDelayToTheWindowAndOthersHaveNone() {
        assertThat(Limit.parse("10/1s", Algorithm.LEAKY_BUCKET_PACING).maxDelay()).isEqualTo(Duration.ofSeconds(1));
        assertThatThrownBy(() -> new Limit(Algorithm.TOKEN_BUCKET, 1, Duration.ofSeconds(1), 1, Duration.ofSeconds(1)))
                .hasMessageContaining("maxDelay applies to leaky-bucket-pacing only");
        assertThatThrownBy(() -> new Limit(Algorithm.FIXED_WINDOW, 10, Duration.ofSeconds(1), 5, Duration.ZERO))
                .hasMessageContaining("burst applies to token-bucket and leaky-bucket only");
    }

    @Test
    void limitsBeyondExactIntegerArithmeticAreRefusedWithTheReason() {
        assertThatThrownBy(() -> Limit.builder().permits(Long.MAX_VALUE / 2).window(Duration.ofNanos(3)).build())
                .hasMessageContaining("per 3ns is out of range for token-bucket");
        assertThat(Limit.parse("100000/1d").permits()).isEqualTo(100_000);
        assertThat(Limit.parse("100000000/1d", Algorithm.SLIDING_COUNTER).permits()).isEqualTo(100_000_000);
        assertThat(Limit.parse("100000000000/1d", Algorithm.SLIDING_LOG).permits()).isEqualTo(100_000_000_000L);
    }

    @Test
    void aNodesShareDividesPermitsAndBurstRoundingDownButKeepsOne() {
        RateLimitConfig c = RateLimitConfig.builder("api").limits("100/1m,5/1s").build().share(3);
        assertThat(c.limits()).extracting(Limit::permits).containsExactly(33L, 1L);
        assertThat(c.limits()).extracting(Limit::burst).containsExactly(33L, 1L);
        assertThat(Limit.parse("10/1s", Algorithm.SLIDING_LOG).share(4).permits()).isEqualTo(2);
        assertThatThrownBy(() -> Limit.parse("10/1s").share(0)).hasMessage("nodes must be >= 1 but was 0");
    }

    @Test
    void configNeedsANameAndALimit() {
        assertThatThrownBy(() -> RateLimitConfig.builder("bad name")).hasMessageContaining("name must be");
        assertThatThrownBy(() -> RateLimitConfig.builder("api").build()).hasMessageContaining("limits must hold at least one limit");
        assertThatThrownBy(() -> RateLimitConfig.builder("api").maxKeys(0)).hasMessage("maxKeys must be >= 1 but was 0");
        RateLimitConfig c = RateLimitConfig.builder("api").limits("100/1m, 5000/1h", Algorithm.SLIDING_COUNTER).build();
        assertThat(c.limitsSpec()).isEqualTo("100/1m,5000/1h");
        assertThat(c.limits()).allMatch(l -> l.algorithm() == Algorithm.SLIDING_COUNTER);
    }
}
