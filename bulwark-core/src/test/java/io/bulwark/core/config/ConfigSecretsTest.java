package io.bulwark.core.config;

import io.bulwark.core.features.FeatureFlags;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;

import static io.bulwark.core.config.TestSchema.API_KEY;
import static io.bulwark.core.config.TestSchema.valueOf;
import static io.bulwark.core.config.TestSchema.write;
import static org.assertj.core.api.Assertions.assertThat;

/** Secrets: where they are read from, and that they never show. */
class ConfigSecretsTest {

    private static final String SECRET = "s3cr3t-do-not-print";

    @TempDir
    Path dir;

    @Test
    void aSecretGivenInlineIsRevealedOnlyOnRequest() {
        BulwarkConfig config = TestSchema.in(dir).env("BULWARK_AUTH_API_KEY", SECRET).load();

        Secret secret = config.get(API_KEY);
        assertThat(secret.reveal()).isEqualTo(SECRET);
        assertThat(secret.matches(SECRET)).isTrue();
        assertThat(secret.matches(SECRET + "x")).isFalse();
        assertThat(secret.matches(null)).isFalse();
    }

    @Test
    void aFileReferenceReadsTheTrimmedFileContent() {
        Path secretFile = write(dir.resolve("api-key"), "  \n" + SECRET + "\n\n");

        BulwarkConfig config = TestSchema.in(dir).file("c.yaml", "auth:\n  apiKey: file:" + secretFile + "\n").load();

        assertThat(config.get(API_KEY).reveal()).isEqualTo(SECRET);
        assertThat(valueOf(config, "auth.apiKey").origin().source()).isEqualTo(Origin.Source.FILE);
    }

    @Test
    void aMissingSecretFileIsAProblemNamingThePathButNothingItWouldHaveHeld() {
        Path missing = dir.resolve("no-such-key");

        ConfigException e = TestSchema.in(dir).flag("auth.apiKey", "file:" + missing).fails();

        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("auth.apiKey");
            assertThat(p.message()).isEqualTo("cannot read secret file " + missing + ": NoSuchFileException");
        });
    }

    @Test
    void anEmptySecretFileIsAProblem() {
        Path empty = write(dir.resolve("empty-key"), " \n");

        ConfigException e = TestSchema.in(dir).flag("auth.apiKey", "file:" + empty).fails();

        assertThat(e.problems()).singleElement().extracting(ConfigProblem::message)
                .isEqualTo("secret file " + empty + " is empty");
    }

    @Test
    void anEnvReferenceToAnUnsetVariableIsAProblemNamingTheVariable() {
        ConfigException e = TestSchema.in(dir).flag("auth.apiKey", "env:BULWARK_TEST_SURELY_UNSET_VARIABLE").fails();

        assertThat(e.problems()).singleElement().extracting(ConfigProblem::message)
                .isEqualTo("secret environment variable BULWARK_TEST_SURELY_UNSET_VARIABLE is not set");
    }

    @Test
    void aSecretPrintsAsTheMask() {
        Secret secret = Secret.of(SECRET);

        assertThat(secret).hasToString("****");
        assertThat(String.valueOf(secret)).isEqualTo(Secret.MASK);
        assertThat(secret).isEqualTo(Secret.of(SECRET)).isNotEqualTo(Secret.of("other"));
    }

    @Test
    void aSecretValueDisplaysMaskedWhereverItIsShown() {
        BulwarkConfig config = TestSchema.in(dir).flag("auth.apiKey", SECRET).load();

        BulwarkConfig.Value value = valueOf(config, "auth.apiKey");
        assertThat(value.display()).isEqualTo("****");
        assertThat(value.toString()).doesNotContain(SECRET);
        assertThat(config.values()).allSatisfy(v -> assertThat(v.display() + v).doesNotContain(SECRET));
    }

    @Test
    void otherValuesDisplayAsConfigWouldSpellThem() {
        BulwarkConfig config = TestSchema.in(dir)
                .flag("server.shutdownGrace", "PT90S")
                .flag("server.maxRequestBody", "2048")
                .flag("features.new-ui", "25")
                .flag("features.old-ui", "false")
                .load();

        assertThat(valueOf(config, "server.shutdownGrace").display()).isEqualTo("90s");
        assertThat(valueOf(config, "server.maxRequestBody").display()).isEqualTo("2KiB");
        assertThat(valueOf(config, "features.new-ui").display()).isEqualTo("25%");
        assertThat(valueOf(config, "features.old-ui").display()).isEqualTo("false");
        assertThat(valueOf(config, "auth.apiKey").display()).as("unset").isEmpty();
        assertThat(FeatureFlags.from(config).isEnabled("old-ui")).isFalse();
    }

    /** YAML forms a user may write by mistake that put the secret inside a map or a list. */
    @ParameterizedTest
    @ValueSource(strings = {
            "auth:\n  apiKey: {" + SECRET + "}\n",
            "auth:\n  apiKey:\n    " + SECRET + ": true\n",
            "auth:\n  apiKey:\n    value: " + SECRET + "\n",
            "auth.apiKey: [" + SECRET + "]\n",
    })
    void aSecretGivenAsAMapOrListIsAProblemThatDoesNotEchoIt(String yaml) {
        ConfigException e = TestSchema.in(dir).file("c.yaml", yaml).fails();

        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("auth.apiKey");
            assertThat(p.message()).startsWith("expected a secret");
        });
        assertThat(e.getMessage()).doesNotContain(SECRET);
    }

    @Test
    void aSetSecretNeverAppearsAmongOtherProblems() {
        ConfigException e = TestSchema.in(dir)
                .env("BULWARK_AUTH_API_KEY", SECRET)
                .flag("server.port", "abc")
                .flag("auth.apikey", SECRET)
                .fails();

        assertThat(e.problems()).extracting(ConfigProblem::key).containsExactly("auth.apikey", "server.port");
        assertThat(e.getMessage()).doesNotContain(SECRET);
        assertThat(e.problems()).allSatisfy(p -> assertThat(p.toString()).doesNotContain(SECRET));
    }
}
