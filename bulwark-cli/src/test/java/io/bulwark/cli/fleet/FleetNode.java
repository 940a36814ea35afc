package io.bulwark.cli.fleet;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code bulwark serve} or {@code bulwark worker} child process of a {@link Fleet}: its output
 * lines (echoed to the test's stdout, prefixed with its name), its base URL and node id once it
 * printed {@code ready on http://... as node ID}, and the two ways to end it: {@link #kill9()}
 * (SIGKILL: no drain, no shutdown hook) and {@link #sigterm()} (a graceful shutdown).
 */
public final class FleetNode {

    /** What the process was started as. */
    public enum Kind {
        SERVE("serve"), WORKER("worker");

        final String command;

        Kind(String command) {
            this.command = command;
        }
    }

    private static final Pattern READY = Pattern.compile("ready on (http://\\S+) as node (\\S+) ");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** Where the node listens and who it is, from its ready line. */
    private record Ready(String url, String id) {
    }

    private final String name;
    private final Kind kind;
    private final Path dataDir;
    private final Process process;
    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    private final CompletableFuture<Ready> ready = new CompletableFuture<>();

    private FleetNode(String name, Kind kind, Path dataDir, Process process) {
        this.name = name;
        this.kind = kind;
        this.dataDir = dataDir;
        this.process = process;
    }

    /** Starts the process and its output reader; does not wait for readiness. */
    static FleetNode launch(String name, Kind kind, Path dataDir, List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        FleetNode node = new FleetNode(name, kind, dataDir, p);
        Thread.ofVirtual().name("fleet-log-" + name).start(node::readOutput);
        return node;
    }

    private void readOutput() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                lines.add(line);
                System.out.println("[" + name + "] " + line);
                Matcher m = READY.matcher(line);
                if (m.find()) {
                    ready.complete(new Ready(m.group(1), m.group(2)));
                }
            }
        } catch (IOException e) {
            // the process was killed: its output ends here
        }
        ready.completeExceptionally(new IllegalStateException(name + " exited before it was ready; its output:\n"
                + String.join("\n", lines())));
    }

    /** Waits until the node printed its ready line. */
    FleetNode awaitReady(Duration timeout) {
        ready.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).join();
        return this;
    }

    /** The name given with {@code --node.name}. */
    public String name() {
        return name;
    }

    public Kind kind() {
        return kind;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The node id it registered under ({@code node.name} plus six hex digits). */
    public String id() {
        return ready.join().id();
    }

    /** Its base URL: the API on a serve node; only {@code /health/*} and {@code /metrics} on a worker. */
    public String url() {
        return ready.join().url();
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Every line it printed so far. */
    public List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** SIGKILL, then waits until the process is gone; returns the time just before the signal. */
    public Instant kill9() throws InterruptedException {
        Instant at = Instant.now();
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + " (pid " + pid() + ") still runs 10 s after SIGKILL");
        }
        return at;
    }

    /** SIGSTOP: the process is frozen (it sends nothing, its connections stay open) until {@link #resume()}. */
    public void pause() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** SIGCONT after {@link #pause()}. */
    public void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid())).redirectErrorStream(true).start();
        String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -" + name + " " + pid() + " failed: " + out);
        }
    }

    /**
     * SIGTERM (a graceful shutdown); returns the time just before the signal, without waiting.
     * Sent through the {@link ProcessHandle}: {@link Process#destroy()} would also close our end of
     * its output at once, and the lines it logs while it shuts down would be lost.
     */
    public Instant sigterm() {
        Instant at = Instant.now();
        if (!process.toHandle().destroy()) {
            throw new IllegalStateException("cannot send SIGTERM to " + name + " (pid " + pid() + ")");
        }
        return at;
    }

    /** Waits for the process to exit; its exit code, or -1 when it still runs after {@code timeout}. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    /** Its {@code /metrics}, parsed. */
    public Metrics metrics() throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url() + "/metrics"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET /metrics of " + name + " answered " + r.statusCode() + ": " + r.body());
        }
        return Metrics.parse(r.body());
    }

    /** Attempts running on this node now ({@code bulwark_jobs_inflight}). */
    public int inFlight() throws IOException, InterruptedException {
        return (int) metrics().sum("bulwark_jobs_inflight");
    }

    /** The status of {@code GET /health/ready}; 0 when the node does not answer. */
    public int readiness() {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url() + "/health/ready")).timeout(Duration.ofSeconds(5))
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /** Stops it hard if it still runs (cleanup). */
    void destroy() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return name + (ready.isDone() && !ready.isCompletedExceptionally() ? " (" + id() + ", pid " + pid() + ")" : "");
    }
}
