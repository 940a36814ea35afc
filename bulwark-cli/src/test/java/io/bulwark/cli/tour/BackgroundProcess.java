package io.bulwark.cli.tour;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A tour command that keeps running ({@code serve}, {@code worker}, {@code dev fake-provider}, a line
 * ending in {@code &}): its process, the port it listens on (0 when unknown) and everything it
 * printed, read on a virtual thread so it never blocks on a full pipe, and echoed to the test's
 * output with the README line as prefix.
 */
final class BackgroundProcess {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final Tour.Command command;
    private final String ran;
    private final int port;
    private final Process process;
    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    private final Thread reader;

    private BackgroundProcess(Tour.Command command, String ran, int port, Process process, String label) {
        this.command = command;
        this.ran = ran;
        this.port = port;
        this.process = process;
        this.reader = Thread.ofVirtual().name("tour-" + command.line()).start(() -> read(label));
    }

    /** Starts {@code builder}'s process for {@code command}, which ran as {@code ran}. */
    static BackgroundProcess start(Tour.Command command, String ran, int port, ProcessBuilder builder, String document) {
        try {
            return new BackgroundProcess(command, ran, port, builder.redirectErrorStream(true).start(),
                    document + ":" + command.line());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + ran, e);
        }
    }

    private void read(String label) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                lines.add(line);
                System.out.println("[" + label + "] " + line);
            }
        } catch (IOException e) {
            // the process ended; its output ends here
        }
    }

    Tour.Command command() {
        return command;
    }

    /** The command as run, after substitutions. */
    String ran() {
        return ran;
    }

    int port() {
        return port;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    int exitValue() {
        return process.exitValue();
    }

    /** True once it answers: {@code /health/ready} 200 for a server, an accepted connection otherwise. */
    boolean ready() {
        if (port == 0) {
            return true;
        }
        if (command.kind() == Tour.Kind.SERVER) {
            try {
                HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                        .timeout(Duration.ofSeconds(2)).build();
                return HTTP.send(get, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * SIGTERM, then waits for the exit; SIGKILL after {@code grace}. Returns the exit code, or -1
     * when it had to be killed. (Not {@link Process#destroy()}: that also closes our end of the
     * pipe and loses the last lines.)
     */
    int stop(Duration grace) {
        process.toHandle().destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                return -1;
            }
            reader.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return -1;
        }
        return process.exitValue();
    }

    /** Its output so far, the last {@code max} lines. */
    String output(int max) {
        synchronized (lines) {
            return String.join("\n", lines.subList(Math.max(0, lines.size() - max), lines.size()));
        }
    }
}
