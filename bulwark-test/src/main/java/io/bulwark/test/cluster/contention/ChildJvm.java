package io.bulwark.test.cluster.contention;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A child JVM running a main class of the test class path, spoken to by lines: {@link #send}
 * writes to its stdin, {@link #awaitLine} waits, bounded, for a line on its stdout (woken by each
 * line the child prints, or by its exit: nothing polls). Its stderr goes to a file, quoted by
 * {@link #describe()} for failure messages.
 *
 * <pre>{@code
 * try (ChildJvm child = ChildJvm.start("child-1", LockContentionChild.class, args, logDir)) {
 *     child.awaitLine("ready", Duration.ofSeconds(60));
 *     child.send("go");
 *     String done = child.awaitLine("done", Duration.ofMinutes(2));
 * }
 * }</pre>
 */
public final class ChildJvm implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path stderr;
    private final Writer stdin;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition printed = lock.newCondition();
    private boolean ended;

    private ChildJvm(String name, Process process, Path stderr) {
        this.name = name;
        this.process = process;
        this.stderr = stderr;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(this::readStdout, "stdout of " + name);
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts {@code mainClass} with {@code args} in a new JVM: the same {@code java} as this one,
     * the same class path, a small serial-GC heap (the machine may be small and shared).
     */
    public static ChildJvm start(String name, Class<?> mainClass, List<String> args, Path logDir) throws IOException {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>(List.of(java, "-XX:+UseSerialGC", "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), mainClass.getName()));
        command.addAll(args);
        Path stderr = logDir.resolve(name + ".stderr.log");
        Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        return new ChildJvm(name, process, stderr);
    }

    /** Writes {@code line} to the child's stdin. */
    public void send(String line) {
        try {
            stdin.write(line + "\n");
            stdin.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("could not write '" + line + "' to " + describe(), e);
        }
    }

    /**
     * Waits up to {@code atMost} for a line starting with {@code prefix}; returns it.
     *
     * @throws AssertionError when the child ends its output without such a line, or the time runs out;
     *         both describe the child
     */
    public String awaitLine(String prefix, Duration atMost) {
        long left = atMost.toNanos();
        lock.lock();
        try {
            while (true) {
                String line = find(prefix);
                if (line != null) {
                    return line;
                }
                if (ended) {
                    throw new AssertionError(name + " ended its output without a line starting with '" + prefix
                            + "'; " + describe());
                }
                if (left <= 0) {
                    throw new AssertionError(name + " printed no line starting with '" + prefix + "' within "
                            + atMost + "; " + describe());
                }
                left = printed.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + name + " to print '" + prefix + "'", e);
        } finally {
            lock.unlock();
        }
    }

    /** Waits up to {@code atMost} for the child to exit; returns its exit code. */
    public int awaitExit(Duration atMost) throws InterruptedException {
        if (!process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " did not exit within " + atMost + "; " + describe());
        }
        return process.exitValue();
    }

    /** Every line it printed so far. */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** Its name, stdout so far and the end of its stderr, for failure messages. */
    public String describe() {
        String err;
        try {
            List<String> all = Files.exists(stderr) ? Files.readAllLines(stderr) : List.of();
            err = String.join("\n", all.subList(Math.max(0, all.size() - 40), all.size()));
        } catch (IOException e) {
            err = "(unreadable: " + e + ")";
        }
        return name + " (stdout " + lines + ", stderr " + stderr + ":\n" + err + ")";
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }

    private String find(String prefix) {
        return lines.stream().filter(l -> l.startsWith(prefix)).findFirst().orElse(null);
    }

    private void readStdout() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                add(line, false);
            }
        } catch (IOException e) {
            add("(stdout unreadable: " + e + ")", false);
        }
        add(null, true);
    }

    private void add(String line, boolean end) {
        lock.lock();
        try {
            if (line != null) {
                lines.add(line);
            }
            ended |= end;
            printed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
