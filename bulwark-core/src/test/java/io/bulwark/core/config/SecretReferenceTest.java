package io.bulwark.core.config;

import io.bulwark.core.time.SettableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which values are references to a secret store, how they are written, and how errors read. */
class SecretReferenceTest {

    private static final String VALUE = "store-held-value-0123456";

    @TempDir
    Path dir;

    private final SettableClock clock = SettableClock.at(Instant.parse("2026-01-01T00:00:00Z"));
    private final FakeSecretStore store = new FakeSecretStore("fake").put("llm#api_key", VALUE);
    private final SecretResolvers resolvers = SecretResolvers.builder().clock(clock).resolver(store).build();
    private final ConfigKey<Secret> apiKey = ConfigKey.builder("auth.apiKey", ValueTypes.secret(resolvers)).secret().build();

    private ConfigException fails(String value) {
        try {
            ConfigLoader.load(ConfigSchema.of(List.of(apiKey)),
                    new ConfigInputs(Optional.empty(), dir, Map.of(), Map.of("auth.apiKey", value), Optional.empty()));
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("expected a ConfigException for " + value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://user:pw@example.com", "bwk_0123456789ab_secret", "Bearer:abc", "unknown:thing",
            "FAKE:llm#api_key", "9fake:x", "plain-value", ":leading-colon"})
    void aValueWhoseSchemeHasNoResolverIsTheValueItself(String value) {
        Secret secret = ValueTypes.secret(resolvers).convert(value);

        assertThat(secret.reveal()).isEqualTo(value);
        assertThat(secret.isDynamic()).isFalse();
        assertThat(store.reads()).isZero();
    }

    @Test
    void aFirstReadThatFailsIsAProblemNamingTheKeyAndTheReference() {
        ConfigException e = fails("fake:llm#nope?ttl=1m");

        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("auth.apiKey");
            assertThat(p.message()).isEqualTo("cannot read secret fake:llm#nope?ttl=1m: no secret at llm#nope");
        });
    }

    @Test
    void aFirstReadThatFailsUnexpectedlyNamesTheErrorsClassButNeverItsMessage() {
        store.failWith(new IllegalStateException("unparseable: " + VALUE));

        ConfigException e = fails("fake:llm#api_key");

        assertThat(e.problems()).singleElement().extracting(ConfigProblem::message).isEqualTo(
                "cannot read secret fake:llm#api_key: the fake resolver failed with java.lang.IllegalStateException");
        assertThat(e.getMessage()).doesNotContain(VALUE);
    }

    @Test
    void aStoreThatReturnsNothingIsAProblem() {
        store.put("empty", "");

        assertThat(fails("fake:empty").problems()).singleElement().extracting(ConfigProblem::message)
                .isEqualTo("cannot read secret fake:empty: it resolved to an empty value");
    }

    @Test
    void aBulwarkSchemeWhoseModuleIsMissingIsAProblemNamingTheModule() {
        ConfigException e = fails("aws-sm:prod/llm#api_key");

        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("auth.apiKey");
            assertThat(p.message()).isEqualTo("'aws-sm:' secret references are read by the module "
                    + "io.bulwark:bulwark-secrets-aws, which is not on the class path; add it (the bulwark distribution "
                    + "has it), or give the secret as env:VARIABLE or file:/path");
        });
        assertThat(fails("vault:secret/llm#api_key").problems()).singleElement().extracting(ConfigProblem::message)
                .asString().contains("io.bulwark:bulwark-secrets-vault");
    }

    @ParameterizedTest
    @ValueSource(strings = {"fake:llm#api_key?ttl=0s", "fake:llm#api_key?ttl=2d", "fake:llm#api_key?ttl=soon"})
    void aTtlOutOfRangeIsAProblemSayingWhatIsAllowed(String reference) {
        assertThat(fails(reference).problems()).singleElement().extracting(ConfigProblem::message).asString()
                .startsWith("secret reference " + reference + ": ttl must be a duration such as")
                .contains("from 1s to 1d");
        assertThat(store.reads()).isZero();
    }

    @Test
    void anUnknownOptionIsAProblemNamingTheOnlyOne() {
        assertThat(fails("fake:llm#api_key?stage=AWSPREVIOUS").problems()).singleElement()
                .extracting(ConfigProblem::message).isEqualTo("secret reference fake:llm#api_key?stage=AWSPREVIOUS has "
                        + "an unknown option 'stage=AWSPREVIOUS'; the only option is ttl, e.g. fake:<location>?ttl=1m");
        assertThat(fails("fake:?ttl=1m").problems()).singleElement().extracting(ConfigProblem::message)
                .isEqualTo("secret reference fake:?ttl=1m names no secret after 'fake:'");
    }

    @Test
    void resolversAreFoundOnTheClassPathByDefault() {
        assertThat(SecretResolvers.defaults().schemes()).contains("test-store");

        Secret secret = ValueTypes.secret().convert("test-store:anything");

        assertThat(secret.reveal()).isEqualTo(ServiceLoadedStore.VALUE);
        assertThat(secret.isDynamic()).isTrue();
        assertThatThrownBy(() -> ValueTypes.secret().convert("test-store:missing"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cannot read secret test-store:missing: no secret at missing");
    }

    @Test
    void referencesAreEnvFileAndSchemesWithAResolverOrABulwarkModule() {
        assertThat(List.of("env:X", "file:/x", "fake:x", "vault:a/b#c", "aws-sm:x"))
                .allMatch(resolvers::isReference);
        assertThat(List.of("http://x", "sk-live-abc", "other:x", "")).noneMatch(resolvers::isReference);
        assertThat(resolvers.isReference(null)).isFalse();
    }

    @Test
    void resolvingAValueWithoutASchemeNeverEchoesIt() {
        assertThatThrownBy(() -> resolvers.resolve(VALUE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expected a secret store reference <scheme>:<location>, e.g. vault:secret/llm#api_key, "
                        + "but the value has no scheme");
    }

    @Test
    void theBuilderRefusesBadOrDuplicateSchemesNamingThem() {
        assertThatThrownBy(() -> SecretResolvers.builder().resolver(store).resolver(new FakeSecretStore("fake")))
                .hasMessage("scheme 'fake' has two resolvers: " + FakeSecretStore.class.getName() + " and "
                        + FakeSecretStore.class.getName());
        assertThatThrownBy(() -> SecretResolvers.builder().resolver(new FakeSecretStore("env")))
                .hasMessageStartingWith("scheme 'env' is read by Bulwark itself");
        assertThatThrownBy(() -> SecretResolvers.builder().resolver(new FakeSecretStore("Vault")))
                .hasMessageStartingWith("a resolver's scheme must be lower-case letters, digits and '-'");
        assertThatThrownBy(() -> SecretResolvers.builder().defaultTtl(Duration.ZERO))
                .hasMessage("defaultTtl must be from 1s to 1d but was 0s");
    }

    @Test
    void aDefaultTtlAppliesToReferencesThatSetNone() {
        SecretResolvers quick = SecretResolvers.builder().clock(clock).resolver(store).defaultTtl(Duration.ofSeconds(10)).build();
        Secret secret = ValueTypes.secret(quick).convert("fake:llm#api_key");
        store.put("llm#api_key", "rotated-value-0000");

        clock.advance(Duration.ofSeconds(10));

        assertThat(secret.reveal()).isEqualTo("rotated-value-0000");
    }
}
