package io.bulwark.messaging.sqs;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class DelaysTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void aDelayUpToFifteenMinutesIsSqssOwnRoundedUpToASecond() {
        assertThat(Delays.plan(NOW, Duration.ZERO, Delays.SQS_MAX_DELAY)).isEqualTo(new Delays.Plan(0, null, NOW));
        assertThat(Delays.plan(NOW, Duration.ofMillis(1500), Delays.SQS_MAX_DELAY))
                .isEqualTo(new Delays.Plan(2, null, NOW.plusSeconds(2)));
        assertThat(Delays.plan(NOW, Duration.ofMinutes(15), Delays.SQS_MAX_DELAY))
                .isEqualTo(new Delays.Plan(900, null, NOW.plusSeconds(900)));
    }

    @Test
    void aLongerDelayWaitsFifteenMinutesAndCarriesItsDueTime() {
        Instant due = NOW.plus(Duration.ofDays(3)).plusSeconds(1);
        assertThat(Delays.plan(NOW, Duration.ofDays(3).plusMillis(1), Delays.SQS_MAX_DELAY))
                .isEqualTo(new Delays.Plan(900, due, due));
    }

    @Test
    void eachStretchIsWhatIsLeftUpToFifteenMinutes() {
        Instant due = NOW.plus(Duration.ofHours(1));
        assertThat(Delays.nextStretch(NOW, due, Delays.SQS_MAX_DELAY)).isEqualTo(900);
        assertThat(Delays.nextStretch(due.minusMillis(61_500), due, Delays.SQS_MAX_DELAY)).isEqualTo(62);
        assertThat(Delays.nextStretch(due.minusMillis(1), due, Delays.SQS_MAX_DELAY)).isEqualTo(1);
    }

    @Test
    void visibilityIsWholeSecondsUpToTwelveHours() {
        assertThat(Delays.visibilitySeconds(Duration.ofMillis(100))).isEqualTo(1);
        assertThat(Delays.visibilitySeconds(Duration.ZERO)).isZero();
        assertThat(Delays.visibilitySeconds(Duration.ofDays(1))).isEqualTo(43_200);
    }
}
