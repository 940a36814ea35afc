package io.bulwark.messaging.rabbitmq;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

class DelaysTest {

    @Property
    void aDelayIsNeverShortenedAndAtMostTenPercentLongerThanItsWholeMilliseconds(@ForAll @LongRange(min = 0, max = 31_536_000_000_000L) long micros) {
        Duration d = Duration.ofNanos(micros * 1000);
        long ms = Delays.roundUp(d);
        long wholeMillis = (micros + 999) / 1000;
        assertThat(Duration.ofMillis(ms)).isGreaterThanOrEqualTo(d);
        assertThat((double) ms).isLessThanOrEqualTo(wholeMillis * 1.1);
    }

    @Test
    void keepsTwoSignificantFigures() {
        assertThat(Delays.roundUp(Duration.ZERO)).isZero();
        assertThat(Delays.roundUp(Duration.ofNanos(1))).isEqualTo(1);
        assertThat(Delays.roundUp(Duration.ofMillis(47))).isEqualTo(47);
        assertThat(Delays.roundUp(Duration.ofMillis(1234))).isEqualTo(1300);
        assertThat(Delays.roundUp(Duration.ofMillis(1500))).isEqualTo(1500);
        assertThat(Delays.roundUp(Duration.ofMillis(99_999))).isEqualTo(100_000);
        assertThat(Delays.roundUp(Duration.ofDays(365))).isEqualTo(32_000_000_000L);
    }

    @Test
    void aPowerOfTenNeedsAtMostNinetyQueues() {
        Set<Long> queues = new TreeSet<>();
        for (long ms = 1000; ms < 10_000; ms++) {
            queues.add(Delays.roundUp(Duration.ofMillis(ms)));
        }
        assertThat(queues).hasSizeLessThanOrEqualTo(91); // 1000, 1100, ..., 9900, 10000
    }
}
