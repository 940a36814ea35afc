package io.bulwark.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class CoarseTickerTest {

    private final AtomicLong source = new AtomicLong(5_000);

    @Test
    void readsTheSourceItselfWhileStoppedThenServesThePublishedReadingUntilTheNextTick() {
        CoarseTicker ticker = CoarseTicker.manual(source::get, 3);
        assertThat(ticker.ticking()).isFalse();
        assertThat(ticker.getAsLong()).isEqualTo(5_000); // stopped: the source's own reading, and it starts
        assertThat(ticker.ticking()).isTrue();
        source.set(6_000);
        assertThat(ticker.getAsLong()).as("lags until the next tick").isEqualTo(5_000);
        ticker.tick();
        assertThat(ticker.getAsLong()).isEqualTo(6_000);
    }

    @Test
    void stopsAfterIdleTicksWithoutAReaderAndTheNextReaderStartsItAgain() {
        CoarseTicker ticker = CoarseTicker.manual(source::get, 3);
        ticker.getAsLong();
        assertThat(ticker.starts()).isEqualTo(1);
        assertThat(ticker.tick()).as("touched since the start").isTrue();
        assertThat(ticker.tick()).isTrue();
        assertThat(ticker.tick()).isTrue();
        assertThat(ticker.tick()).as("three ticks without a reader").isFalse();
        assertThat(ticker.ticking()).isFalse();

        source.set(9_000);
        assertThat(ticker.getAsLong()).as("never the reading left over from before the pause").isEqualTo(9_000);
        assertThat(ticker.ticking()).isTrue();
        assertThat(ticker.starts()).isEqualTo(2);
    }

    @Test
    void aReaderEveryFewTicksKeepsItTicking() {
        CoarseTicker ticker = CoarseTicker.manual(source::get, 3);
        ticker.getAsLong();
        for (int i = 0; i < 100; i++) {
            assertThat(ticker.tick()).isTrue();
            assertThat(ticker.tick()).isTrue();
            ticker.getAsLong();
        }
        assertThat(ticker.starts()).isEqualTo(1);
    }

    @Test
    void aSourceReadingEqualToTheStoppedMarkerIsNeverPublished() {
        CoarseTicker ticker = CoarseTicker.manual(source::get, 3);
        ticker.getAsLong();
        source.set(Long.MIN_VALUE);
        ticker.tick();
        assertThat(ticker.getAsLong()).as("keeps the older, lagging reading").isEqualTo(5_000);
        source.set(Long.MIN_VALUE + 7);
        ticker.tick();
        assertThat(ticker.getAsLong()).isEqualTo(Long.MIN_VALUE + 7);
    }

    /** Random interleavings of time passing, ticks and reads: no read is ever ahead of the source. */
    @Property(tries = 300)
    void neverRunsAheadOfTheSource(@ForAll("steps") List<Integer> steps) {
        AtomicLong time = new AtomicLong(-1_000_000);
        CoarseTicker ticker = CoarseTicker.manual(time::get, 2);
        long lastSeen = Long.MIN_VALUE;
        for (int step : steps) {
            if (step == 0) {
                ticker.tick();
            } else if (step < 0) {
                long read = ticker.getAsLong();
                assertThat(read).isLessThanOrEqualTo(time.get()).isGreaterThanOrEqualTo(lastSeen);
                lastSeen = read;
            } else {
                time.addAndGet(step);
            }
        }
    }

    @Provide
    Arbitrary<List<Integer>> steps() {
        return Arbitraries.integers().between(-3, 1_000).map(i -> i > 600 ? 0 : i > 300 ? -1 : i)
                .list().ofMaxSize(200);
    }

    @Test
    void aLimiterOnALaggingTickerUnderAdmitsByTheLagAndNeverOverAdmits() {
        // 10 per second: one permit per 100 ms
        CoarseTicker ticker = CoarseTicker.manual(source::get, 1_000);
        LocalRateLimiter limiter = LocalRateLimiter.of(RateLimitConfig.of("lag", Limit.parse("10/1s")), ticker);
        for (int i = 0; i < 10; i++) {
            assertThat(limiter.tryAcquirePermit("k")).isTrue();
        }
        assertThat(limiter.tryAcquirePermit("k")).isFalse();
        source.addAndGet(Duration.ofMillis(100).toNanos()); // a permit is due in real time ...
        assertThat(limiter.tryAcquirePermit("k")).as("... but not yet published: refused").isFalse();
        ticker.tick();
        assertThat(limiter.tryAcquirePermit("k")).isTrue();
        assertThat(limiter.tryAcquirePermit("k")).isFalse();
    }

    @Test
    void theThreadTicksWhileReadAndStopsWhenNobodyReads() {
        AtomicLong reads = new AtomicLong();
        CoarseTicker ticker = CoarseTicker.of(reads::incrementAndGet, Duration.ofMillis(1), Duration.ofMillis(100));
        long first = ticker.getAsLong();
        // the thread reads the source on its own, with no reader calling
        await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).atMost(Duration.ofSeconds(2))
                .until(() -> reads.get() >= first + 3);
        assertThat(ticker.getAsLong()).isGreaterThanOrEqualTo(first + 3);
        // nobody reads: it stops after about 100 ticks
        await().pollInterval(Duration.ofMillis(10)).atMost(Duration.ofSeconds(2)).until(() -> !ticker.ticking());
        int starts = ticker.starts();
        long stoppedAt = reads.get();
        assertThat(ticker.getAsLong()).as("a reader after the pause reads the source itself").isEqualTo(stoppedAt + 1);
        assertThat(ticker.starts()).as("and starts the thread again").isEqualTo(starts + 1);
        assertThat(ticker.ticking()).isTrue();
        await().pollInterval(Duration.ofMillis(10)).atMost(Duration.ofSeconds(2)).until(() -> !ticker.ticking());
    }

    @Test
    void theSystemTickerIsNeverAheadOfNanoTime() {
        CoarseTicker ticker = CoarseTicker.system();
        for (int i = 0; i < 100_000; i++) {
            long coarse = ticker.getAsLong();
            assertThat(coarse).isLessThanOrEqualTo(System.nanoTime());
        }
    }

    @Test
    void rejectsAPeriodOrIdleTimeOutOfRange() {
        assertThatThrownBy(() -> CoarseTicker.of(System::nanoTime, Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("period must be > 0 and <= 1s but was PT0S");
        assertThatThrownBy(() -> CoarseTicker.of(System::nanoTime, Duration.ofMillis(10), Duration.ofMillis(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("idleAfter must be between period (PT0.01S) and 1h but was PT0.001S");
    }
}
