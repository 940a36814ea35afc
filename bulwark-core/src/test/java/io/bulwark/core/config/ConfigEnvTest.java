package io.bulwark.core.config;

import io.bulwark.core.features.FeatureFlags;
import io.bulwark.core.units.DataSize;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.Map;

import static io.bulwark.core.config.TestSchema.MAX_REQUEST_BODY;
import static io.bulwark.core.config.TestSchema.PORT;
import static io.bulwark.core.config.TestSchema.SCHEMA;
import static io.bulwark.core.config.TestSchema.valueOf;
import static org.assertj.core.api.Assertions.assertThat;

/** How BULWARK_* environment variables map onto keys, and which variables are left alone. */
class ConfigEnvTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} ↔ {1}")
    @CsvSource({
            "server.maxRequestBody, BULWARK_SERVER_MAX_REQUEST_BODY",
            "server.port,           BULWARK_SERVER_PORT",
            "server.shutdownGrace,  BULWARK_SERVER_SHUTDOWN_GRACE",
            "auth.apiKey,           BULWARK_AUTH_API_KEY",
            "log.json,              BULWARK_LOG_JSON",
    })
    void keyNamesAndEnvironmentNamesMapBothWays(String key, String env) {
        assertThat(SCHEMA.find(key)).get().extracting(ConfigKey::envName).isEqualTo(env);
        assertThat(SCHEMA.keyForEnv(env)).contains(key);
    }

    @Test
    void anEnvironmentVariableSetsItsCamelCaseKey() {
        BulwarkConfig config = TestSchema.in(dir).env("BULWARK_SERVER_MAX_REQUEST_BODY", "2MiB").load();

        assertThat(config.get(MAX_REQUEST_BODY)).isEqualTo(DataSize.ofMebibytes(2));
        assertThat(valueOf(config, "server.maxRequestBody").origin())
                .isEqualTo(new Origin(Origin.Source.ENV, "BULWARK_SERVER_MAX_REQUEST_BODY"));
    }

    @Test
    void patternKeysTakeTheirSegmentFromTheVariableInKebabCase() {
        BulwarkConfig config = TestSchema.in(dir)
                .env("BULWARK_FEATURES_NEW_UI", "25")
                .env("BULWARK_FEATURES_DARK_MODE", "true")
                .load();

        assertThat(config.getAll(FeatureFlags.KEY))
                .containsExactlyInAnyOrderEntriesOf(Map.of("features.new-ui", 25, "features.dark-mode", 100));
        assertThat(valueOf(config, "features.new-ui").origin())
                .isEqualTo(new Origin(Origin.Source.ENV, "BULWARK_FEATURES_NEW_UI"));
        assertThat(FeatureFlags.from(config).all()).containsExactly(Map.entry("dark-mode", 100), Map.entry("new-ui", 25));
    }

    @Test
    void anEnvironmentPatternKeyOverridesTheSameKeyFromTheFile() {
        BulwarkConfig config = TestSchema.in(dir)
                .file("flags.yaml", "features:\n  new-ui: 10\n  beta: true\n")
                .env("BULWARK_FEATURES_NEW_UI", "60%")
                .load();

        assertThat(config.getAll(FeatureFlags.KEY))
                .containsExactlyInAnyOrderEntriesOf(Map.of("features.new-ui", 60, "features.beta", 100));
    }

    @ParameterizedTest
    @ValueSource(strings = {"BULWARK_URL", "BULWARK_SKIP_BUILD", "BULWARK_API_KEY", "BULWARK_REQUIRE_SERVICES", "BULWARK_CONFIG",
            "BULWARK_JAVA_OPTS", "BULWARK_JAVA_HOME", "BULWARK_HOME", "BULWARK_OUTPUT"})
    void reservedVariablesThatSteerTheToolsAreIgnored(String name) {
        BulwarkConfig config = TestSchema.in(dir).env(name, "not a config value").load();

        assertThat(config.values()).allSatisfy(v -> assertThat(v.origin().source()).isNotEqualTo(Origin.Source.ENV));
    }

    @Test
    void anUnknownBulwarkVariableIsAProblemThatExplainsTheMapping() {
        ConfigException e = TestSchema.in(dir).env("BULWARK_SERVER_PROT", "9090").fails();

        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("BULWARK_SERVER_PROT");
            assertThat(p.origin()).isEqualTo(new Origin(Origin.Source.ENV, "BULWARK_SERVER_PROT"));
            assertThat(p.message()).startsWith("unknown environment variable")
                    .contains("server.maxRequestBody → BULWARK_SERVER_MAX_REQUEST_BODY");
        });
    }

    @Test
    void aFeatureVariableWithNoFlagNameIsUnknown() {
        ConfigException e = TestSchema.in(dir).env("BULWARK_FEATURES_", "true").fails();

        assertThat(e.problems()).singleElement().extracting(ConfigProblem::key).isEqualTo("BULWARK_FEATURES_");
    }

    @Test
    void variablesWithoutTheBulwarkPrefixAreIgnored() {
        BulwarkConfig config = TestSchema.in(dir)
                .env("PATH", "/usr/bin:/bin")
                .env("HOME", "/home/someone")
                .env("SERVER_PORT", "not a port")
                .env("MY_BULWARK_SERVER_PORT", "not a port")
                .load();

        assertThat(config.get(PORT)).isEqualTo(8080);
    }
}
