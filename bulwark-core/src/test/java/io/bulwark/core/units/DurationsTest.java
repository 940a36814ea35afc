package io.bulwark.core.units;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class DurationsTest {

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({
            "250ms,   PT0.25S",
            "30s,     PT30S",
            "5m,      PT5M",
            "1h,      PT1H",
            "2d,      PT48H",
            "PT30S,   PT30S",
            "pt1m30s, PT1M30S",
            "P1D,     PT24H",
            "0s,      PT0S",
            "'  45s ', PT45S",
            "10 ms,   PT0.01S",
            "1500us,  PT0.0015S",
            "7ns,     PT0.000000007S",
    })
    void parsesEveryAcceptedForm(String text, Duration expected) {
        assertThat(Durations.parse(text)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"30", "soon", "1.5s", "-5s", "5 minutes", "30sec", "ms", "P", "PT", "1w", "s30"})
    void rejectsOtherFormsNamingTheTextAndTheAcceptedForms(String text) {
        assertThatIllegalArgumentException().isThrownBy(() -> Durations.parse(text))
                .withMessage("expected a duration such as 250ms, 30s, 5m, 1h, 2d or ISO-8601 PT30S but was '" + text + "'");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = "   ")
    void rejectsNothingAsEmpty(String text) {
        assertThatIllegalArgumentException().isThrownBy(() -> Durations.parse(text))
                .withMessage("expected " + Durations.ACCEPTED + " but was empty");
    }

    @Test
    void rejectsANegativeIsoDuration() {
        assertThatIllegalArgumentException().isThrownBy(() -> Durations.parse("PT-5S"))
                .withMessage("duration 'PT-5S' is negative");
    }

    /** Regression: an amount that fits a long but overflows the Duration threw ArithmeticException. */
    @ParameterizedTest
    @ValueSource(strings = {"99999999999999999999s", "999999999999999999d", "9999999999999999h", "9999999999999999999us"})
    void rejectsAnAmountTooLargeForADuration(String text) {
        assertThatIllegalArgumentException().isThrownBy(() -> Durations.parse(text))
                .withMessage("duration '" + text + "' is too large");
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({
            "PT0S,           0s",
            "PT0.25S,        250ms",
            "PT1.5S,         1500ms",
            "PT30S,          30s",
            "PT90S,          90s",
            "PT5M,           5m",
            "PT2H,           2h",
            "PT48H,          2d",
            "PT25H,          25h",
            "PT0.0015S,      1500us",
            "PT0.000000007S, 7ns",
    })
    void formatsInTheLargestExactUnit(Duration d, String expected) {
        assertThat(Durations.format(d)).isEqualTo(expected);
    }

    @Test
    void formatsADurationBeyondNanosecondRangeAsIso() {
        Duration huge = Duration.ofDays(200_000).plusMillis(1);

        assertThat(Durations.format(huge)).isEqualTo(huge.toString());
        assertThat(Durations.parse(Durations.format(huge))).isEqualTo(huge);
    }
}
