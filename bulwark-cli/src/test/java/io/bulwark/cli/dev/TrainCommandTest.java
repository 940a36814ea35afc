package io.bulwark.cli.dev;

import io.bulwark.cli.commands.BulwarkCommand;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The launcher's training workload runs a real server to the end and leaves nothing behind. */
class TrainCommandTest {

    @Test
    void trainRunsAServerThroughItsWorkloadStopsItAndRemovesItsDirectory() throws IOException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        long before = trainingDirs(tmp);
        CommandLine cl = BulwarkCommand.commandLine(Map.of());
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        cl.setOut(new PrintWriter(new StringWriter()));

        assertThat(cl.execute("dev", "train")).as(err.toString()).isZero();
        assertThat(trainingDirs(tmp)).isEqualTo(before);
        StringWriter help = new StringWriter();
        CommandLine helpCl = BulwarkCommand.commandLine(Map.of());
        helpCl.setOut(new PrintWriter(help));
        helpCl.execute("dev", "--help");
        assertThat(help.toString()).as("hidden: it is the launcher's, not the user's").doesNotContain("train");
    }

    private static long trainingDirs(Path tmp) throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.filter(p -> p.getFileName().toString().startsWith("bulwark-train")).count();
        }
    }
}
