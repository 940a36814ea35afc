package io.bulwark.bench.http;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StartTimesTest {

    private static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }

    @Test
    void medianOfAnOddCountIsTheMiddleRunWhateverTheOrder() {
        StartTimes t = new StartTimes(List.of(ms(900), ms(700), ms(1400)));

        assertThat(t.min()).isEqualTo(ms(700));
        assertThat(t.median()).isEqualTo(ms(900));
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheTwoMiddleRuns() {
        assertThat(new StartTimes(List.of(ms(400), ms(100), ms(300), ms(200))).median()).isEqualTo(ms(250));
    }

    @Test
    void needsAtLeastOneRun() {
        assertThatThrownBy(() -> new StartTimes(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
