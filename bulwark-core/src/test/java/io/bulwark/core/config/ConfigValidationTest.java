package io.bulwark.core.config;

import io.bulwark.core.units.DataSize;
import io.bulwark.core.units.Durations;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;

import static io.bulwark.core.config.TestSchema.HOST;
import static io.bulwark.core.config.TestSchema.LOG_JSON;
import static io.bulwark.core.config.TestSchema.MAX_REQUEST_BODY;
import static io.bulwark.core.config.TestSchema.PORT;
import static io.bulwark.core.config.TestSchema.SHUTDOWN_GRACE;
import static io.bulwark.core.config.TestSchema.valueOf;
import static io.bulwark.core.config.TestSchema.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** Unknown keys, wrong types and out-of-range values, all reported at once; file formats and lookup. */
class ConfigValidationTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
            server.port           | abc     | expected an integer from 1 to 65535 but was 'abc'
            server.port           | 1.5     | expected an integer from 1 to 65535 but was '1.5'
            server.port           | 70000   | expected an integer from 1 to 65535 but was 70000
            server.port           | 0       | expected an integer from 1 to 65535 but was 0
            server.shutdownGrace  | soon    | expected a duration such as 250ms, 30s, 5m, 1h, 2d or ISO-8601 PT30S but was 'soon'
            server.shutdownGrace  | 10m     | expected a duration from 0s to 5m but was 10m
            server.maxRequestBody | lots    | expected a size such as 512, 64KiB, 1MiB, 2GiB, 10KB or 5MB but was 'lots'
            server.maxRequestBody | 128MiB  | expected a size from 1KiB to 64MiB but was 128MiB
            server.maxRequestBody | 512     | expected a size from 1KiB to 64MiB but was 512
            log.level             | loud    | expected one of debug, info, warn, error but was 'loud'
            log.json              | maybe   | expected true or false but was 'maybe'
            features.new-ui       | 150     | expected true, false or a percentage from 0 to 100 but was '150'
            """)
    void aBadValueIsAProblemNamingTheKeyTheValueAndWhatIsAllowed(String key, String value, String message) {
        ConfigException e = TestSchema.in(dir).flag(key, value).fails();

        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo(key);
            assertThat(p.origin()).isEqualTo(new Origin(Origin.Source.FLAG, "--" + key));
            assertThat(p.message()).isEqualTo(message);
        });
        assertThat(e.getMessage()).contains(key + " (flag --" + key + "): " + message);
    }

    @Test
    void aWrongTypeInTheFileIsReportedWithTheFileAsItsOrigin() {
        ConfigException e = TestSchema.in(dir).file("c.yaml", "server:\n  port: eighty\n").fails();

        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.origin()).isEqualTo(new Origin(Origin.Source.FILE, dir.resolve("c.yaml").toString()));
            assertThat(p.message()).isEqualTo("expected an integer from 1 to 65535 but was 'eighty'");
        });
    }

    @Test
    void anUnknownKeyCloseToAKnownOneSuggestsIt() {
        ConfigException e = TestSchema.in(dir).file("c.yaml", "server:\n  prot: 9090\n").fails();

        assertThat(e.problems()).singleElement().hasToString(
                "server.prot (file " + dir.resolve("c.yaml") + "): unknown key; did you mean 'server.port'?");
    }

    @Test
    void anUnknownKeyFarFromEveryKnownOneHasNoSuggestion() {
        ConfigException e = TestSchema.in(dir).flag("totally.unrelated", "1").fails();

        assertThat(e.problems()).singleElement().extracting(ConfigProblem::message).isEqualTo("unknown key");
    }

    @Test
    void everyProblemInOneLoadIsReportedTogether() {
        Path file = dir.resolve("c.yaml");
        ConfigException e = TestSchema.in(dir)
                .file("c.yaml", "server:\n  prot: 9090\nlog:\n  level: loud\n")
                .env("BULWARK_SERVER_SHUTDOWN_GRACE", "soon")
                .env("BULWARK_NOPE", "1")
                .flag("server.maxRequestBody", "1TiB")
                .flag("server.port", "abc")
                .fails();

        assertThat(e.problems()).hasSize(6)
                .extracting(ConfigProblem::key, p -> p.origin().source())
                .containsExactly(
                        tuple("server.prot", Origin.Source.FILE),
                        tuple("log.level", Origin.Source.FILE),
                        tuple("BULWARK_NOPE", Origin.Source.ENV),
                        tuple("server.shutdownGrace", Origin.Source.ENV),
                        tuple("server.maxRequestBody", Origin.Source.FLAG),
                        tuple("server.port", Origin.Source.FLAG));
        assertThat(e.getMessage()).startsWith("Invalid configuration (6 problems):\n")
                .contains("server.prot (file " + file + "): unknown key; did you mean 'server.port'?")
                .contains("log.level (file " + file + "): expected one of debug, info, warn, error but was 'loud'")
                .contains("BULWARK_NOPE (env BULWARK_NOPE): unknown environment variable")
                .contains("server.shutdownGrace (env BULWARK_SERVER_SHUTDOWN_GRACE): expected " + Durations.ACCEPTED)
                .contains("server.maxRequestBody (flag --server.maxRequestBody): expected a size from 1KiB to 64MiB but was 1TiB")
                .contains("server.port (flag --server.port): expected an integer from 1 to 65535 but was 'abc'");
    }

    @Test
    void nestedMapsAndDottedKeysInYamlBothWork() {
        BulwarkConfig config = TestSchema.in(dir).file("c.yaml", """
                server:
                  port: 9090
                  maxRequestBody: 2MiB
                server.host: example.org
                server.shutdownGrace: PT10S
                log.json: true
                """).load();

        assertThat(config.get(PORT)).isEqualTo(9090);
        assertThat(config.get(MAX_REQUEST_BODY)).isEqualTo(DataSize.ofMebibytes(2));
        assertThat(config.get(HOST)).isEqualTo("example.org");
        assertThat(config.get(SHUTDOWN_GRACE)).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.get(LOG_JSON)).isTrue();
    }

    @Test
    void aJsonConfigFileWorks() {
        BulwarkConfig config = TestSchema.in(dir)
                .file("c.json", "{\"server\": {\"port\": 7070, \"maxRequestBody\": 4096}, \"log.level\": \"warn\"}")
                .load();

        assertThat(config.get(PORT)).isEqualTo(7070);
        assertThat(config.get(MAX_REQUEST_BODY)).isEqualTo(DataSize.ofKibibytes(4));
        assertThat(config.get(TestSchema.LOG_LEVEL)).isEqualTo("warn");
        assertThat(config.file()).contains(dir.resolve("c.json"));
    }

    @Test
    void malformedYamlIsAProblemGivingLineAndColumn() {
        ConfigException e = TestSchema.in(dir).file("c.yaml", "server:\n  port: 9090\n  host: [unclosed\nlog:\n  json: true\n")
                .fails();

        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("--config");
            assertThat(p.origin()).isEqualTo(new Origin(Origin.Source.FILE, dir.resolve("c.yaml").toString()));
            assertThat(p.message()).startsWith("cannot parse at line 4, column 4: ").contains("host: [unclosed");
        });
    }

    @Test
    void aKeyGivenTwiceInTheFileIsAProblemNotALastOneWins() {
        ConfigException yaml = TestSchema.in(dir).file("c.yaml", "server:\n  port: 8080\n  port: 9090\n").fails();
        assertThat(yaml.problems()).singleElement().extracting(ConfigProblem::message).asString()
                .startsWith("cannot parse at line 3, column ").contains("Duplicate field 'port'");
        ConfigException json = TestSchema.in(dir).file("c.json", "{\"server\": {\"port\": 1, \"port\": 2}}").fails();
        assertThat(json.problems()).singleElement().extracting(ConfigProblem::message).asString()
                .contains("Duplicate field 'port'");
    }

    @Test
    void aFileOverOneMebibyteIsAProblemBeforeItIsParsed() {
        ConfigException e = TestSchema.in(dir).file("c.yaml", "x: " + "y".repeat(1 << 20) + "\n").fails();
        assertThat(e.problems()).singleElement().extracting(ConfigProblem::message)
                .isEqualTo("is 1048580 bytes; a config file is at most 1048576 bytes (1 MiB)");
    }

    @Test
    void aFileWhoseTopLevelIsNotAMapIsAProblem() {
        ConfigException e = TestSchema.in(dir).file("c.yaml", "- server.port\n- 9090\n").fails();

        assertThat(e.problems()).singleElement().extracting(ConfigProblem::message)
                .isEqualTo("expected a map of keys at the top level");
    }

    /** Regression: an empty or comments-only file failed with "No content to map due to end-of-input". */
    @ParameterizedTest
    @ValueSource(strings = {"", "\n", "# nothing set yet\n# server:\n#   port: 9090\n", "~\n"})
    void anEmptyOrCommentsOnlyFileLeavesTheDefaults(String yaml) {
        BulwarkConfig config = TestSchema.in(dir).file("c.yaml", yaml).load();

        assertThat(config.get(PORT)).isEqualTo(8080);
    }

    @Test
    void anEmptyJsonFileLeavesTheDefaults() {
        assertThat(TestSchema.in(dir).file("c.json", "").load().get(PORT)).isEqualTo(8080);
    }

    @Test
    void aConfigFlagNamingAMissingFileIsAProblem() {
        Path missing = dir.resolve("nowhere.yaml");

        ConfigException e = TestSchema.in(dir).configFile(missing).fails();

        assertThat(e.problems()).singleElement().hasToString("--config (file " + missing + "): file not found");
    }

    @Test
    void bulwarkYamlInTheWorkDirIsReadWhenNoFileIsNamed() {
        Path file = write(dir.resolve("bulwark.yaml"), "server:\n  port: 9191\n");

        BulwarkConfig config = TestSchema.in(dir).load();

        assertThat(config.get(PORT)).isEqualTo(9191);
        assertThat(config.file()).contains(file);
        assertThat(valueOf(config, "server.port").origin()).isEqualTo(new Origin(Origin.Source.FILE, file.toString()));
    }

    @Test
    void aNamedFileIsReadInsteadOfBulwarkYaml() {
        write(dir.resolve("bulwark.yaml"), "server:\n  port: 9191\n  prot: 1\n");

        BulwarkConfig config = TestSchema.in(dir).file("other.yaml", "server:\n  port: 9292\n").load();

        assertThat(config.get(PORT)).isEqualTo(9292);
        assertThat(config.file()).contains(dir.resolve("other.yaml"));
    }

    @Test
    void withNoFileAtAllEveryKeyHasItsDefault() {
        BulwarkConfig config = ConfigLoader.load(TestSchema.SCHEMA, ConfigInputs.defaults(dir));

        assertThat(config.file()).isEmpty();
        assertThat(config.get(PORT)).isEqualTo(8080);
        assertThat(config.find(TestSchema.API_KEY)).isEmpty();
        assertThat(config.values()).allSatisfy(v -> assertThat(v.origin().source()).isEqualTo(Origin.Source.DEFAULT));
    }
}
