package io.bulwark.cli;

import io.bulwark.server.BulwarkServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code bulwark profile}: records, waits with its progress, prints the summary, saves the recording. */
class ProfileCommandTest {

    @TempDir
    Path dir;

    @Test
    void recordsSummarisesAndSavesTheRecording() throws Exception {
        try (BulwarkServer server = BulwarkServer.builder(CliServers.config(dir, Map.of())).configuredStore().build().start()) {
            String url = server.uri().toString();
            Path jfr = dir.resolve("server.jfr");
            CliRun run = CliRun.run("profile", "--url", url, "--duration", "1s", "--out", jfr.toString(), "--top", "3");
            assertThat(run.exit()).as(run.err()).isZero();
            assertThat(run.out()).contains("profile ").contains(", 1s from ").contains("saved to " + jfr)
                    .contains(": done").contains("by the method on top:").contains("GC: ").contains("locks over 10 ms: ");
            assertThat(run.err()).as("the progress bar").contains("profile");
            assertThat(Files.size(jfr)).isPositive();
            assertThat(new String(Files.readAllBytes(jfr), 0, 4, java.nio.charset.StandardCharsets.ISO_8859_1))
                    .as("JFR's magic").isEqualTo("FLR\0");

            String id = run.out().lines().findFirst().orElseThrow().split(" ")[1].replace(",", "");
            CliRun again = CliRun.run("profile", "--url", url, "--id", id, "-o", "json");
            assertThat(again.exit()).isZero();
            assertThat(again.out()).contains("\"id\" : \"" + id + "\"").contains("\"topTotal\"");

            CliRun unknown = CliRun.run("profile", "--url", url, "--id", "0b0e0f7a-1c2d-4e5f-8a9b-0c1d2e3f4a5b");
            assertThat(unknown.exit()).isEqualTo(1);
            assertThat(unknown.err()).contains("404").contains("no profile");
        }
    }

    @Test
    void badOptionsExitTwo() {
        assertThat(CliRun.run("profile", "--duration", "soon").err()).contains("--duration must be");
        assertThat(CliRun.run("profile", "--duration", "0s").exit()).isEqualTo(2);
        assertThat(CliRun.run("profile", "--top", "0").err()).contains("--top must be from 1 to 15");
    }
}
