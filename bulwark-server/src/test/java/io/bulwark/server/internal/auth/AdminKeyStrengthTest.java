package io.bulwark.server.internal.auth;

import io.bulwark.core.config.Profile;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

class AdminKeyStrengthTest {

    @Test
    void blankKeysAreRefusedInEveryProfile() {
        for (Profile p : Profile.values()) {
            assertThat(AdminKeyStrength.problem(" ", p)).as(p.name()).hasValueSatisfying(m ->
                    assertThat(m).contains("auth.adminKey is blank").contains("openssl rand -base64 32"));
            assertThat(AdminKeyStrength.problem("", p)).isPresent();
        }
    }

    @Test
    void prodAndStagingRefuseShortOrRepetitiveKeysSayingWhyAndHowToGenerateOne() {
        for (Profile p : new Profile[]{Profile.PROD, Profile.STAGING}) {
            assertThat(AdminKeyStrength.problem("a", p)).hasValueSatisfying(m -> assertThat(m)
                    .contains("too weak for the " + p.name().toLowerCase()).contains("1 characters")
                    .contains("bulwark keys create").contains("openssl rand -base64 32"));
            assertThat(AdminKeyStrength.problem("a".repeat(40), p)).hasValueSatisfying(m ->
                    assertThat(m).contains("about 0 bits"));
            assertThat(AdminKeyStrength.problem("ab".repeat(20), p)).isPresent();
        }
    }

    @Test
    void generatedKeysPassAndDevAcceptsShortOnes() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        String generated = Base64.getEncoder().encodeToString(bytes);
        assertThat(AdminKeyStrength.problem(generated, Profile.PROD)).isEmpty();
        assertThat(AdminKeyStrength.estimatedBits(generated)).isGreaterThan(150);
        assertThat(AdminKeyStrength.problem("bwk_0123456789ab_" + "Zq3-x9_Lm2PaT7vKw8YbN4cR1dE6fG0hJ5iUoS2tWyV", Profile.PROD)).isEmpty();
        assertThat(AdminKeyStrength.problem("a", Profile.DEV)).isEmpty();
    }
}
