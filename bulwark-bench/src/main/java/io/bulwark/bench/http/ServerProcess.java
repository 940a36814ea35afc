package io.bulwark.bench.http;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * A running {@code bulwark serve} child. Closing it kills the process if it still runs, and a
 * shutdown hook does the same if the harness itself is stopped, so no server outlives a run.
 */
public final class ServerProcess implements AutoCloseable {

    private final Process process;
    private final long startedNanos;
    private final URI base;
    private final Path log;
    private final Thread killOnExit;

    /** How a SIGTERM ended: the exit code, the time it took, and whether it had to be forced. */
    public record Stopped(int exitCode, Duration took, boolean forced) {
    }

    private ServerProcess(Process process, long startedNanos, URI base, Path log) {
        this.process = process;
        this.startedNanos = startedNanos;
        this.base = base;
        this.log = log;
        this.killOnExit = new Thread(process::destroyForcibly, "bench-kill-server-" + process.pid());
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    static ServerProcess start(ProcessBuilder builder, URI base, Path log) throws IOException {
        // Taken just before the fork: start-to-ready includes JVM boot, as a user would see it.
        long startedNanos = System.nanoTime();
        Process process = builder.start();
        return new ServerProcess(process, startedNanos, base, log);
    }

    /** The server's base URI, e.g. {@code http://127.0.0.1:41234}. */
    public URI base() {
        return base;
    }

    /** The child's process id, for reading its {@code /proc} entries. */
    public long pid() {
        return process.pid();
    }

    /** True while the child runs. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** Time since the process was started. */
    Duration sinceStart() {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    /** The resident set size right now; empty off Linux. */
    public OptionalLong rss() {
        return ResidentMemory.of(process.pid());
    }

    /**
     * Sends SIGTERM ({@link Process#destroy()} on Unix) and waits up to {@code bound} for the
     * graceful exit; kills the process if it does not come.
     */
    public Stopped stop(Duration bound) throws InterruptedException {
        long t0 = System.nanoTime();
        process.destroy();
        if (process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
            return new Stopped(process.exitValue(), Duration.ofNanos(System.nanoTime() - t0), false);
        }
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
        return new Stopped(process.isAlive() ? -1 : process.exitValue(), Duration.ofNanos(System.nanoTime() - t0), true);
    }

    /** The exit code if the process has ended, for error messages. */
    public String state() {
        return process.isAlive() ? "running" : "exited with code " + process.exitValue();
    }

    /** The last lines of the server's log, for error messages. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    /** The file the child's output goes to. */
    public Path log() {
        return log;
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down: the hook runs anyway, and it is harmless.
        }
    }
}
