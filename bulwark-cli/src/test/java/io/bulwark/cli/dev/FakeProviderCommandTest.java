package io.bulwark.cli.dev;

import io.bulwark.cli.CliRun;
import io.bulwark.test.provider.FakeMode;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code bulwark dev fake-provider}'s flags: every bad one exits 2 naming the flag and what is allowed. */
class FakeProviderCommandTest {

    private static CliRun run(String... args) {
        return CliRun.run(args);
    }

    private static void assertUsage(String message, String... flags) {
        String[] args = new String[flags.length + 2];
        args[0] = "dev";
        args[1] = "fake-provider";
        System.arraycopy(flags, 0, args, 2, flags.length);
        CliRun r = run(args);
        assertThat(r.exit()).as(String.join(" ", flags) + ": " + r.err()).isEqualTo(2);
        assertThat(r.err()).contains(message);
    }

    @Test
    void badFlagsExitTwoNamingTheFlagAndWhatIsAllowed() {
        assertUsage("--port must be from 0 to 65535 but was 70000", "--port", "70000");
        assertUsage("--port must be from 0 to 65535 but was -1", "--port=-1");
        assertUsage("Invalid value for option '--port': 'http' is not an int", "--port", "http");
        assertUsage("--fail-rate must be from 0.0 to 1.0 but was 1.5", "--fail-rate", "1.5");
        assertUsage("--fail-rate must be from 0.0 to 1.0 but was NaN", "--fail-rate", "NaN");
        assertUsage("--fail-status must be an HTTP error status from 400 to 599 but was 200", "--fail-status", "200");
        assertUsage("--latency expected a duration such as 250ms, 30s, 5m, 1h, 2d or ISO-8601 PT30S but was 'soon'",
                "--latency", "soon");
        assertUsage("--latency must be from 0s to 10m but was 1h", "--latency", "1h");
        assertUsage("Invalid value for option '--seed': 'x' is not a long", "--seed", "x");
        assertUsage("--retry-after must be from 0s (none) to 1h but was 2h", "--retry-after", "2h");
        assertUsage("--retry-after expected a duration", "--retry-after", "later");
        assertUsage("--cut-after-chunks must be -1 (never cut), 0 (drop the connection before answering)",
                "--cut-after-chunks", "-5");
        assertUsage("Possible solutions: --fail-rate, --fail-status", "--fail=1");
    }

    @Test
    void aTakenPortExitsTwoSayingWhatToDo() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertUsage("cannot listen on 127.0.0.1:" + taken.getLocalPort(), "--port", String.valueOf(taken.getLocalPort()));
            assertUsage("Pick another --port (0 picks a free one)", "--port", String.valueOf(taken.getLocalPort()));
        }
    }

    @Test
    void devAloneAndHelpDescribeTheCommand() {
        CliRun dev = run("dev");
        assertThat(dev.exit()).isZero();
        assertThat(dev.out()).contains("fake-provider");
        CliRun help = run("dev", "fake-provider", "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("--fail-rate", "--fail-status", "--latency", "--retry-after", "--cut-after-chunks",
                "--seed", "localhost:9000/fake/mode", "GET /fake/stats");
    }

    @Test
    void theFlagsMakeTheStartMode() {
        assertThat(modeOf()).as("the defaults").isEqualTo(FakeMode.HEALTHY);
        assertThat(modeOf("--latency", "250ms", "--fail-rate", "1", "--fail-status", "429", "--retry-after", "1500ms",
                "--cut-after-chunks", "3"))
                .isEqualTo(new FakeMode(Duration.ofMillis(250), 1.0, 429, Duration.ofMillis(1500), 3));
        assertThat(modeOf("--cut-after-chunks", "0").cutAfterChunks()).as("0: drop before answering").isZero();
    }

    private static FakeMode modeOf(String... flags) {
        FakeProviderCommand command = new FakeProviderCommand();
        new CommandLine(command).parseArgs(flags);
        return command.mode();
    }
}
