package io.bulwark.cli.tour;

import io.bulwark.test.db.TestDatabase;
import io.bulwark.test.services.LocalService;
import io.bulwark.test.services.LocalServices;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;

/**
 * Runs a tour's commands in order in a fresh directory, as a reader would in a shell, with the
 * substitutions {@code ReadmeTourIT} documents; fails at the first command that fails, naming its
 * document line, the command as written and as run, and its output.
 */
final class TourRunner implements AutoCloseable {

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);
    /** Before each foreground command: curl fails on HTTP errors and says why; a pipe fails when any part fails. */
    private static final String PRELUDE = """
            set -o pipefail
            curl() {
              command curl -sS --fail-with-body "$@"
              local rc=$?
              # 23: a reader such as head closed the pipe early, which is what the line asked for
              if [ "$rc" -eq 23 ]; then return 0; fi
              return "$rc"
            }
            """;

    private final Path repo;
    private final Path dir;
    private final String document;
    private final LocalServices services;
    private final Map<String, String> env = new HashMap<>();
    private final List<BackgroundProcess> background = new ArrayList<>();
    private final List<Integer> skipped = new ArrayList<>();
    private Substitutions substitutions;
    private int serverPort;
    private String lastKey;
    private String previousOutput;
    private String postgresDown;
    private TestDatabase database;

    /**
     * @param repo     the checkout: its {@code bulwark} script runs the tour's {@code ./bulwark}, its {@code docs} are copied
     * @param dir      an empty directory to run in
     * @param document the document's name, for messages ({@code README.md})
     * @param services decides whether PostgreSQL lines run, are skipped or fail
     */
    TourRunner(Path repo, Path dir, String document, LocalServices services) {
        this.repo = repo;
        this.dir = dir;
        this.document = document;
        this.services = services;
    }

    /**
     * Runs every command. Returns when all ran; throws {@link AssertionError} at the first failure;
     * aborts the test (skipped) after running every other line when PostgreSQL lines were skipped.
     */
    void run(List<Tour.Command> tour) {
        prepare(tour);
        for (Tour.Command command : tour) {
            String text = substitute(command);
            if (text == null) {
                System.out.println("[tour] " + document + ":" + command.line() + " skipped (PostgreSQL is down): "
                        + command.text());
                continue;
            }
            long started = System.nanoTime();
            if (command.background()) {
                startBackground(command, text);
            } else {
                runForeground(command, text);
            }
            System.out.printf("[tour] %s:%d took %d ms%n", document, command.line(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        }
        stopAll(true);
        if (!skipped.isEmpty()) {
            Assumptions.abort(document + " lines " + skipped + " need PostgreSQL and were skipped; every other line ran.\n"
                    + postgresDown);
        }
    }

    /** The shim {@code ./bulwark}, the docs, free ports and a clean environment. */
    private void prepare(List<Tour.Command> tour) {
        try {
            Files.createDirectories(dir);
            Path shim = dir.resolve("bulwark");
            Files.writeString(shim, "#!/bin/sh\nexec '" + repo.resolve("bulwark") + "' \"$@\"\n");
            Files.setPosixFilePermissions(shim, PosixFilePermissions.fromString("rwxr-xr-x"));
            copy(repo.resolve("docs"), dir.resolve("docs"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<Integer, Integer> ports = new LinkedHashMap<>();
        for (int named : Substitutions.portsNamed(tour)) {
            ports.put(named, freePort(ports.values()));
        }
        for (int defaultPort : List.of(8080, 9000)) {   // serve's and fake-provider's, for lines without --port
            if (!ports.containsKey(defaultPort)) {
                ports.put(defaultPort, freePort(ports.values()));
            }
        }
        substitutions = new Substitutions(ports);
        serverPort = ports.get(8080);
        System.getenv().forEach((k, v) -> {
            if (!k.startsWith("BULWARK_") && !k.equals("OPENAI_API_KEY")) {
                env.put(k, v);
            }
        });
        env.put("BULWARK_SKIP_BUILD", "1");
        env.put("BULWARK_JAVA_HOME", System.getProperty("java.home"));
        env.put("BULWARK_JAVA_OPTS", "-XX:TieredStopAtLevel=1");
        env.put("BULWARK_SERVER_PORT", String.valueOf(serverPort));
        System.out.println("[tour] running " + tour.size() + " commands of " + document + " in " + dir + "; ports "
                + substitutions + ", default server port " + serverPort);
    }

    /** The command as it will run, or null when it needs PostgreSQL and PostgreSQL is down (not required). */
    private String substitute(Tour.Command command) {
        String text = substitutions.ports(command.text());
        try {
            text = Substitutions.ids(Substitutions.key(text, lastKey), previousOutput);
        } catch (IllegalStateException e) {
            throw fail(command, text, e.getMessage(), null);
        }
        if (command.kind() == Tour.Kind.FAKE_PROVIDER && Substitutions.listenPort(text, -1) < 0) {
            text = text + " --port " + substitutions.port(9000);
        }
        if (Substitutions.needsPostgres(text)) {
            if (postgresDown == null && database == null) {
                // Throws, failing the test, when BULWARK_REQUIRE_SERVICES is set and PostgreSQL is down.
                ConditionEvaluationResult result = services.evaluate(List.of(LocalService.POSTGRESQL));
                if (result.isDisabled()) {
                    postgresDown = result.getReason().orElse("PostgreSQL is not reachable");
                } else {
                    database = TestDatabase.create(LocalService.POSTGRESQL);
                }
            }
            if (database == null) {
                skipped.add(command.line());
                return null;
            }
            text = Substitutions.database(text, database.url());
        }
        return text;
    }

    private void runForeground(Tour.Command command, String text) {
        Path envFile = dir.resolve(".tour-env");
        boolean export = text.startsWith("export ");
        String script = PRELUDE + text + (export ? "\nenv -0 > '" + envFile + "'" : "") + "\n";
        System.out.println("[tour] " + document + ":" + command.line() + " $ " + text);
        Process p;
        try {
            ProcessBuilder b = new ProcessBuilder("bash", "-c", script).directory(dir.toFile()).redirectErrorStream(true);
            b.environment().clear();
            b.environment().putAll(env);
            p = b.start();
        } catch (IOException e) {
            throw fail(command, text, "cannot start bash: " + e, null);
        }
        StringBuilder out = new StringBuilder();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    System.out.println("    " + line);
                    synchronized (out) {
                        out.append(line).append('\n');
                    }
                }
            } catch (IOException e) {
                // the command ended
            }
        });
        try {
            if (!p.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                reader.join(Duration.ofSeconds(5));
                throw fail(command, text, "did not finish within " + COMMAND_TIMEOUT.toSeconds() + " s", text(out));
            }
            reader.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw fail(command, text, "interrupted", text(out));
        }
        String output = text(out);
        if (p.exitValue() != 0) {
            throw fail(command, text, "exited " + p.exitValue(), output);
        }
        previousOutput = output;
        var key = Substitutions.KEY.matcher(output);
        while (key.find()) {
            lastKey = key.group();
        }
        if (export) {
            readEnv(envFile);
        }
    }

    private static String text(StringBuilder out) {
        synchronized (out) {
            return out.toString();
        }
    }

    /** After an {@code export} line: the shell's exported variables become the next commands' environment. */
    private void readEnv(Path envFile) {
        try {
            String all = Files.readString(envFile);
            Files.delete(envFile);
            env.clear();
            for (String entry : all.split("\0")) {
                int eq = entry.indexOf('=');
                if (eq > 0 && !List.of("PWD", "OLDPWD", "SHLVL", "_").contains(entry.substring(0, eq))) {
                    env.put(entry.substring(0, eq), entry.substring(eq + 1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void startBackground(Tour.Command command, String text) {
        int port = switch (command.kind()) {
            case SERVER -> Substitutions.listenPort(text, serverPort);
            case FAKE_PROVIDER -> Substitutions.listenPort(text, 0);
            default -> 0;
        };
        if (port != 0) {
            for (BackgroundProcess earlier : List.copyOf(background)) {
                if (earlier.port() == port && earlier.isAlive()) {
                    System.out.println("[tour] " + document + ":" + command.line() + " replaces the process of line "
                            + earlier.command().line() + " on port " + port + ": stopping it");
                    stop(earlier, true);
                }
            }
        }
        System.out.println("[tour] " + document + ":" + command.line() + " $ " + text + " &");
        ProcessBuilder b = new ProcessBuilder("bash", "-c", "exec " + text).directory(dir.toFile());
        b.environment().clear();
        b.environment().putAll(env);
        BackgroundProcess started = BackgroundProcess.start(command, text, port, b, document);
        background.add(started);
        try {
            await().atMost(READY_TIMEOUT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100))
                    .until(() -> !started.isAlive() || started.ready());
        } catch (ConditionTimeoutException e) {
            throw fail(command, text, "was not ready within " + READY_TIMEOUT.toSeconds() + " s (port " + port + ")",
                    started.output(60));
        }
        if (!started.isAlive()) {
            throw fail(command, text, "exited " + started.exitValue() + " instead of running", started.output(60));
        }
    }

    /**
     * SIGTERM; when {@code check}, a process that does not exit 0 fails the tour naming its line, and
     * so does a server or fake provider that had already exited (it should run until stopped).
     */
    private void stop(BackgroundProcess p, boolean check) {
        background.remove(p);
        if (!p.isAlive()) {
            boolean finished = p.command().kind() == Tour.Kind.OTHER_BACKGROUND && p.exitValue() == 0;
            if (check && !finished) {
                throw fail(p.command(), p.ran(), "had exited " + p.exitValue() + " before it was stopped", p.output(60));
            }
            return;
        }
        int exit = p.stop(STOP_GRACE);
        if (check && exit != 0) {
            throw fail(p.command(), p.ran(), exit < 0 ? "did not exit within " + STOP_GRACE.toSeconds() + " s of SIGTERM"
                    : "exited " + exit + " after SIGTERM (expected 0)", p.output(60));
        }
    }

    private void stopAll(boolean check) {
        for (BackgroundProcess p : List.copyOf(background).reversed()) {
            stop(p, check);
        }
    }

    private AssertionError fail(Tour.Command command, String ran, String what, String output) {
        StringBuilder m = new StringBuilder(document + " line " + command.line() + " failed: " + what
                + "\n  as written: " + command.text() + "\n  as run:     " + ran);
        if (output != null) {
            m.append("\n  output:\n").append(output.indent(4));
        }
        for (BackgroundProcess p : background) {
            if (p.command() != command) {
                m.append("\n  line ").append(p.command().line()).append(" (").append(p.ran()).append(") is ")
                        .append(p.isAlive() ? "running" : "gone (exit " + p.exitValue() + ")")
                        .append("; its last lines:\n").append(p.output(15).indent(4));
            }
        }
        return new AssertionError(m.toString());
    }

    /** Stops what still runs (after a failure), then drops the database. */
    @Override
    public void close() {
        stopAll(false);
        if (database != null) {
            database.close();
        }
    }

    /** A port nothing listens on now, other than {@code taken}. */
    private static int freePort(java.util.Collection<Integer> taken) {
        while (true) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                if (!taken.contains(s.getLocalPort())) {
                    return s.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : all.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
