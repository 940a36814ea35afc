package io.bulwark.core.units;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** What format writes, parse reads back: config show output is always valid config. */
class UnitsPropertiesTest {

    @Property
    void aFormattedDurationParsesBackToItself(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long millis) {
        Duration d = Duration.ofMillis(millis);

        assertThat(Durations.parse(Durations.format(d))).isEqualTo(d);
    }

    @Property
    void aWholeNumberOfAnyUnitFormatsAndParsesBack(@ForAll @IntRange(min = 0, max = 100_000) int amount,
                                                    @ForAll("units") Duration unit) {
        Duration d = unit.multipliedBy(amount);

        assertThat(Durations.parse(Durations.format(d))).isEqualTo(d);
    }

    @Provide
    Arbitrary<Duration> units() {
        return Arbitraries.of(Duration.ofMillis(1), Duration.ofSeconds(1), Duration.ofMinutes(1),
                Duration.ofHours(1), Duration.ofDays(1));
    }

    @Property
    void aPrintedSizeParsesBackToItself(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long bytes) {
        DataSize size = DataSize.ofBytes(bytes);

        assertThat(DataSize.parse(size.toString())).isEqualTo(size);
    }

    @Property
    void aWholeNumberOfABinaryUnitPrintsAndParsesBack(@ForAll @LongRange(min = 0, max = 1 << 20) long amount,
                                                      @ForAll @IntRange(min = 0, max = 4) int power) {
        DataSize size = DataSize.ofBytes(amount << (10 * power));

        assertThat(DataSize.parse(size.toString())).isEqualTo(size);
    }
}
