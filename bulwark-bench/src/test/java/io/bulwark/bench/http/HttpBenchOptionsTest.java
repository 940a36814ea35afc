package io.bulwark.bench.http;

import io.bulwark.bench.BenchMain;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Option parsing only: nothing here starts a server. */
class HttpBenchOptionsTest {

    private static HttpBenchCommand parse(String... args) {
        CommandLine.ParseResult parsed = BenchMain.commandLine().parseArgs(args);
        return (HttpBenchCommand) parsed.subcommand().commandSpec().userObject();
    }

    @Test
    void defaultsMatchTheDocumentedRun() {
        HttpBenchCommand http = parse("http");

        assertThat(http.clients).isEqualTo(64);
        assertThat(http.duration).isEqualTo(Duration.ofSeconds(10));
        assertThat(http.warmup).isEqualTo(Duration.ofSeconds(3));
        assertThat(http.starts).isEqualTo(3);
        assertThat(http.jar).isEqualTo(Path.of("bulwark-cli/target/bulwark.jar"));
        assertThat(http.serveArgs).isEmpty();
    }

    @Test
    void durationsUseBulwarksUnits() {
        HttpBenchCommand http = parse("http", "--duration", "1500ms", "--warmup", "2m", "--idle", "PT0.5S");

        assertThat(http.duration).isEqualTo(Duration.ofMillis(1500));
        assertThat(http.warmup).isEqualTo(Duration.ofMinutes(2));
        assertThat(http.idle).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void aMalformedDurationIsAUsageErrorNamingTheOption() {
        assertThatThrownBy(() -> parse("http", "--duration", "ten seconds"))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("--duration")
                .hasMessageContaining("ten seconds");
    }

    @Test
    void validationReportsEveryBadOptionAtOnce() {
        HttpBenchCommand http = parse("http", "--clients", "0", "--duration", "0s", "--jar", "no/such/bulwark.jar");

        assertThat(http.validate()).satisfiesExactly(
                p -> assertThat(p).isEqualTo("--clients must be >= 1 but was 0"),
                p -> assertThat(p).isEqualTo("--duration must be > 0 but was PT0S"),
                p -> assertThat(p).startsWith("--jar ").contains("no/such/bulwark.jar does not exist"));
    }

    @Test
    void jmhOptionsPassThroughUntouched() {
        CommandLine.ParseResult parsed = BenchMain.commandLine()
                .parseArgs("jmh", "ApiKey", "-f", "1", "-wi", "2", "-jvmArgs", "-Xmx1g", "-h");

        assertThat(parsed.subcommand().matchedPositionalValue(0, java.util.List.of()).toString())
                .isEqualTo("[ApiKey, -f, 1, -wi, 2, -jvmArgs, -Xmx1g, -h]");
    }
}
