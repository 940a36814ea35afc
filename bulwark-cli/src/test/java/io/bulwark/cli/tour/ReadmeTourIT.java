package io.bulwark.cli.tour;

import io.bulwark.test.services.LocalServices;
import io.bulwark.test.services.ProbeResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Runs every command of README.md's "A tour" code block, in order, in a fresh directory, the way a
 * reader would paste them into a shell from the checkout's root (issue #22, "The first hour"). The
 * first command that fails (a non-zero exit, a curl that cannot connect or gets an HTTP error, a
 * server that never becomes ready or does not exit 0 on SIGTERM) fails the test, naming its README
 * line, the command as written and as run, its output, and the last lines of every server still
 * running.
 *
 * <p><b>How commands run.</b> Each line (with its {@code \} continuations) runs in {@code bash -c}
 * in the fresh directory. {@code ./bulwark serve}, {@code ./bulwark worker}, {@code ./bulwark dev
 * fake-provider} and any line ending in {@code &} start as background child processes; a server is
 * waited for until {@code /health/ready} answers 200, a fake provider until its port accepts
 * connections (Awaitility, 60 s at most). A server started on the port of one still running replaces
 * it: the earlier one gets SIGTERM first (so the second {@code serve} replaces the first, as the
 * README says). At the end every background process gets SIGTERM and must exit 0.
 *
 * <p><b>Substitutions</b>, each because the README is written for a person on a fresh machine and
 * the test runs beside other builds:
 * <ul>
 *   <li>{@code ./bulwark} is a two-line shim in the fresh directory that execs the checkout's own
 *       {@code bulwark} script, so the script the README names is the one tested. Its environment has
 *       {@code BULWARK_SKIP_BUILD=1} (the test runs the {@code bulwark.jar} Maven just packaged and must
 *       never start a build), {@code BULWARK_JAVA_HOME} set to the test's JDK, and
 *       {@code BULWARK_JAVA_OPTS=-XX:TieredStopAtLevel=1} (about 0.3 s less per short-lived JVM).</li>
 *   <li>The checkout's {@code docs} directory is copied into the fresh directory, so
 *       {@code docs/examples/etl.yaml} and {@code docs/examples/bulwark.yaml} resolve as from the root;
 *       {@code ./data} and {@code ./data-w1} are new, empty directories there.</li>
 *   <li>Every port the tour names ({@code --port N}, {@code localhost:N}, {@code 127.0.0.1:N}; 8080,
 *       9000, 9001, 9091 today) becomes a free port, wherever the number appears, so the test neither
 *       collides with what runs on the machine nor reaches it. The servers the tour starts without
 *       {@code --port} listen on 8080 by default: {@code BULWARK_SERVER_PORT} carries 8080's substitute
 *       to them. A {@code dev fake-provider} line without {@code --port} gets {@code --port} with
 *       9000's substitute appended.</li>
 *   <li>{@code bwk_...} becomes the API key the last {@code keys create} printed: the README cannot
 *       know it.</li>
 *   <li>{@code <id>}, {@code <run id>} (any {@code <... id>}) becomes the first id (a UUID) the previous
 *       command printed: {@code jobs enqueue} prints the job's, {@code runs start} the run's.</li>
 *   <li>{@code jdbc:postgresql://127.0.0.1:5432/test} becomes a fresh schema the test creates in that
 *       database on 127.0.0.1:5432 ({@code TestDatabase}, the project's helper) and drops at the end, so
 *       the fleet part never sees another run's nodes, locks or schedules. When PostgreSQL is not
 *       reachable, the lines that name it are skipped, every other line still runs, and the test is
 *       reported skipped with the service and the command that starts it; with
 *       {@code BULWARK_REQUIRE_SERVICES=1} it fails instead ({@code LocalServices}, the project's rule).</li>
 *   <li>After an {@code export} line, the shell's exported variables become the environment of the
 *       next commands, as in one shell session. The tour starts with no {@code BULWARK_*} variables and
 *       no {@code OPENAI_API_KEY} from the test's environment: it must need neither.</li>
 *   <li>{@code curl} is a shell function adding {@code -sS --fail-with-body}, and pipelines run with
 *       {@code pipefail}: a curl that cannot connect or gets a 4xx/5xx fails its line, which plain
 *       {@code curl -s} would not. Exit 23 (a reader such as {@code | head} closed the pipe early) is
 *       not a failure.</li>
 * </ul>
 *
 * <p>The other tests run small tours of their own to show this one can fail, and how.
 */
class ReadmeTourIT {

    @TempDir
    Path dir;

    private static Path repo() {
        Path root = Path.of("").toAbsolutePath().getParent();
        assertThat(root.resolve("README.md")).as("run from bulwark-cli, in the checkout").exists();
        return root;
    }

    @Test
    void everyCommandOfTheReadmeTourRunsAsWritten() throws IOException {
        Path repo = repo();
        List<Tour.Command> tour = Tour.parse(Files.readString(repo.resolve("README.md")), "## A tour");
        assertThat(tour).as("the tour's commands").hasSizeGreaterThan(20);
        try (TourRunner runner = new TourRunner(repo, dir, "README.md", LocalServices.shared())) {
            runner.run(tour);
        }
    }

    @Test
    void aBrokenLineFailsTheTourNamingItsLineAndOutput() {
        List<Tour.Command> tour = Tour.parse("""
                ## A tour

                ```bash
                ./bulwark version          # fine
                ./bulwark jobs list --bogus   # no such option
                ./bulwark version > never.txt
                ```
                """, "## A tour");
        try (TourRunner runner = new TourRunner(repo(), dir, "TOUR.md", LocalServices.shared())) {
            assertThatThrownBy(() -> runner.run(tour)).isInstanceOf(AssertionError.class)
                    .hasMessageContaining("TOUR.md line 5 failed: exited 2")
                    .hasMessageContaining("as written: ./bulwark jobs list --bogus")
                    .hasMessageContaining("Unknown option: '--bogus'");
        }
        assertThat(dir.resolve("never.txt")).as("nothing after the broken line runs").doesNotExist();
    }

    @Test
    void aCurlThatGetsAnHttpErrorFailsTheTourAndTheFakeProviderStops() {
        List<Tour.Command> tour = Tour.parse("""
                ## A tour
                ```bash
                ./bulwark dev fake-provider --port 9000 &
                curl -s localhost:9000/v1/models | head -c 20
                curl -s localhost:9000/v1/nope
                ```
                """, "## A tour");
        try (TourRunner runner = new TourRunner(repo(), dir, "TOUR.md", LocalServices.shared())) {
            assertThatThrownBy(() -> runner.run(tour)).isInstanceOf(AssertionError.class)
                    .hasMessageContaining("TOUR.md line 5 failed: exited 22")
                    .hasMessageContaining("no route /v1/nope")
                    .hasMessageContaining("line 3 (./bulwark dev fake-provider --port ");
        }
    }

    @Test
    void linesThatNeedPostgresAreSkippedWhenItIsDownAfterTheOthersRan() {
        List<Tour.Command> tour = Tour.parse("""
                ## A tour
                ```bash
                ./bulwark store info --store.url=jdbc:postgresql://127.0.0.1:5432/test
                ./bulwark version > ran.txt
                ```
                """, "## A tour");
        LocalServices down = LocalServices.using(service -> ProbeResult.failure("connection refused"),
                Map.<String, String>of()::get);
        try (TourRunner runner = new TourRunner(repo(), dir, "TOUR.md", down)) {
            assertThatThrownBy(() -> runner.run(tour)).isInstanceOf(TestAbortedException.class)
                    .hasMessageContaining("TOUR.md lines [3] need PostgreSQL and were skipped")
                    .hasMessageContaining("PostgreSQL at 127.0.0.1:5432 is not reachable (connection refused); start it with: ");
        }
        assertThat(dir.resolve("ran.txt")).exists();

        LocalServices required = LocalServices.using(service -> ProbeResult.failure("connection refused"),
                Map.of(LocalServices.REQUIRE_SERVICES_ENV, "1")::get);
        try (TourRunner runner = new TourRunner(repo(), dir.resolve("again"), "TOUR.md", required)) {
            assertThatThrownBy(() -> runner.run(tour)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("PostgreSQL at 127.0.0.1:5432 is not reachable")
                    .hasMessageContaining("BULWARK_REQUIRE_SERVICES is set");
        }
    }
}
