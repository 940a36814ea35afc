package io.bulwark.bench.fleet;

import io.bulwark.bench.CpuTicks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * One node of a fleet run: a child JVM ({@code bulwark worker} or a {@link PeerNode}) with its
 * output in a log file. Its CPU is sampled while it runs ({@link #sampleCpu()}), since a process
 * that has exited can no longer be asked. Closing it kills the process if it still runs, and a
 * shutdown hook does the same if the harness itself is stopped, so no node outlives a run.
 */
public final class ChildNode implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path log;
    private final Thread killOnExit;
    private volatile long cpuTicks;

    private ChildNode(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.killOnExit = new Thread(process::destroyForcibly, "fleet-kill-" + name);
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    /** Starts {@code builder}, its output appended to {@code log}. */
    static ChildNode start(String name, ProcessBuilder builder, Path log) throws IOException {
        builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return new ChildNode(name, builder.start(), log);
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The exit code, or -1 while it runs. */
    int exitCode() {
        return process.isAlive() ? -1 : process.exitValue();
    }

    /** Reads the process's CPU so far, if it still runs; {@link #cpuSeconds()} keeps the last reading. */
    public void sampleCpu() {
        OptionalLong ticks = CpuTicks.process(process.pid());
        if (ticks.isPresent()) {
            cpuTicks = ticks.getAsLong();
        }
    }

    /** User + system CPU at the last {@link #sampleCpu()}, in seconds (ticks of 1/100 s). */
    public double cpuSeconds() {
        return cpuTicks / 100.0;
    }

    /** SIGTERM, without waiting: several nodes are asked at once, then {@link #awaitStopped} each. */
    void terminate() {
        process.destroy();
    }

    /**
     * Waits up to {@code bound} for the graceful exit that {@link #terminate()} asked for; kills the
     * process if it does not come.
     *
     * @return the exit code, or -1 when it had to be killed
     */
    int awaitStopped(Duration bound) throws InterruptedException {
        if (process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
            return process.exitValue();
        }
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
        return -1;
    }

    /** SIGKILL, without waiting: the caller notes the instant, then {@link #awaitExit}. */
    void kill() {
        process.destroyForcibly();
    }

    /** Waits for the process to end, up to {@code bound}; whether it did. */
    boolean awaitExit(Duration bound) throws InterruptedException {
        return process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The last lines of the node's output, for error messages. */
    String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    /** What went wrong with this node, with its exit code and log tail, for an exception. */
    public String describeFailure() {
        return name + " (pid " + process.pid() + ") " + (process.isAlive() ? "is running" : "exited with code "
                + process.exitValue()) + "; last lines of " + log + ":" + System.lineSeparator() + logTail(15);
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
