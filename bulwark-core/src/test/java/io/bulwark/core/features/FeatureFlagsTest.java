package io.bulwark.core.features;

import io.bulwark.core.config.BulwarkConfig;
import io.bulwark.core.config.ConfigInputs;
import io.bulwark.core.config.ConfigLoader;
import io.bulwark.core.config.ConfigSchema;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.NumericChars;
import net.jqwik.api.constraints.StringLength;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.offset;

class FeatureFlagsTest {

    private static final int SUBJECTS = 4000;

    /** With 4000 subjects the share's standard deviation is under 0.8 points; 5 points is over six of them. */
    @Property(tries = 60)
    void aPercentageFlagIsOnForAboutThatShareOfSubjects(@ForAll @IntRange(min = 1, max = 99) int percent,
                                                        @ForAll @AlphaChars @StringLength(min = 1, max = 16) String flag,
                                                        @ForAll long seed) {
        FeatureFlags flags = FeatureFlags.of(Map.of(flag, percent));
        Random random = new Random(seed);

        int on = 0;
        for (int i = 0; i < SUBJECTS; i++) {
            if (flags.isEnabled(flag, new UUID(random.nextLong(), random.nextLong()).toString())) {
                on++;
            }
        }

        assertThat(100.0 * on / SUBJECTS).isCloseTo(percent, offset(5.0));
    }

    @Property
    void aSubjectKeepsItsAnswerAcrossCallsAndInstances(@ForAll @IntRange(min = 0, max = 100) int percent,
                                                       @ForAll @AlphaChars @StringLength(min = 1, max = 16) String flag,
                                                       @ForAll String subject) {
        boolean first = FeatureFlags.of(Map.of(flag, percent)).isEnabled(flag, subject);
        FeatureFlags again = FeatureFlags.of(Map.of(flag, percent));

        assertThat(again.isEnabled(flag, subject)).isEqualTo(first);
        assertThat(again.isEnabled(flag, subject)).isEqualTo(first);
    }

    @Property
    void raisingThePercentageNeverTurnsASubjectOff(@ForAll @IntRange(min = 0, max = 100) int low,
                                                   @ForAll @IntRange(min = 0, max = 100) int high,
                                                   @ForAll @NumericChars @StringLength(min = 1, max = 12) String subject) {
        int from = Math.min(low, high);
        int to = Math.max(low, high);
        if (FeatureFlags.of(Map.of("rollout", from)).isEnabled("rollout", subject)) {
            assertThat(FeatureFlags.of(Map.of("rollout", to)).isEnabled("rollout", subject)).isTrue();
        }
    }

    @Property
    void zeroPercentIsNeverOnAndAHundredIsAlwaysOn(@ForAll String flag, @ForAll String subject) {
        assertThat(FeatureFlags.of(Map.of(flag, 0)).isEnabled(flag, subject)).isFalse();
        assertThat(FeatureFlags.of(Map.of(flag, 100)).isEnabled(flag, subject)).isTrue();
    }

    @Example
    void withoutASubjectOnlyAFullyOnFlagIsEnabled() {
        FeatureFlags flags = FeatureFlags.of(Map.of("on", 100, "partial", 50, "off", 0));

        assertThat(flags.isEnabled("on")).isTrue();
        assertThat(flags.isEnabled("partial")).isFalse();
        assertThat(flags.isEnabled("off")).isFalse();
    }

    @Example
    void anUnknownFlagIsOff() {
        FeatureFlags flags = FeatureFlags.of(Map.of());

        assertThat(flags.isEnabled("nope")).isFalse();
        assertThat(flags.isEnabled("nope", "user-1")).isFalse();
    }

    @Example
    void aPercentageOutsideZeroToAHundredIsRejected() {
        assertThatIllegalArgumentException().isThrownBy(() -> FeatureFlags.of(Map.of("x", 101)))
                .withMessage("feature 'x' percentage must be from 0 to 100 but was 101");
        assertThatIllegalArgumentException().isThrownBy(() -> FeatureFlags.of(Map.of("x", -1)));
    }

    @Example
    void flagsFromConfigAreNamedWithoutTheirPrefixAndSorted() {
        BulwarkConfig config = ConfigLoader.load(ConfigSchema.of(List.of(FeatureFlags.KEY)), new ConfigInputs(
                Optional.empty(), Path.of("does-not-exist"), Map.of("BULWARK_FEATURES_NEW_UI", "25%"),
                Map.of("features.beta", "true", "features.legacy", "false"), Optional.empty()));

        FeatureFlags flags = FeatureFlags.from(config);

        assertThat(flags.all()).containsExactly(Map.entry("beta", 100), Map.entry("legacy", 0), Map.entry("new-ui", 25));
        assertThat(flags.isEnabled("beta")).isTrue();
        assertThat(flags.isEnabled("legacy", "anyone")).isFalse();
    }
}
