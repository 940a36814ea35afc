package io.bulwark.server.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.bulwark.core.units.DataSize;
import io.bulwark.core.units.Durations;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Durations and sizes from any text: a value or an {@link IllegalArgumentException} that says what
 * is accepted, never another exception; and what parses prints back to the same value. The
 * regression corpus (src/test/resources/.../UnitsFuzzTestInputs) runs in the normal build; a real
 * fuzzing run is {@code scripts/fuzz.sh}.
 */
class UnitsFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void durationsParseOrSayWhatIsAccepted(String text) {
        Duration d;
        try {
            d = Durations.parse(text);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        assertThat(Durations.parse(Durations.format(d))).isEqualTo(d);
    }

    @FuzzTest(maxDuration = "10s")
    void sizesParseOrSayWhatIsAccepted(String text) {
        DataSize s;
        try {
            s = DataSize.parse(text);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        assertThat(s.bytes()).isNotNegative();
        assertThat(DataSize.parse(s.toString())).isEqualTo(s);
    }
}
