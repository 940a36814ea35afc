package io.bulwark.deploy.rollout.nginx;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one command (no shell) with a time limit. Its output goes to a temporary file rather than
 * a pipe, so a command that leaves a child holding the pipe open (a service manager, a daemon)
 * cannot block the step.
 */
record Command(List<String> args, Duration timeout) {

    Command {
        args = List.copyOf(args);
    }

    /** What a run gave: the exit code, or -1 when it was stopped at the time limit, and the output. */
    record Result(int exit, String output) {
        boolean ok() {
            return exit == 0;
        }
    }

    Result run() throws IOException {
        Path out = Files.createTempFile("bulwark-nginx-", ".out");
        try {
            Process p = new ProcessBuilder(args).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            p.getOutputStream().close();
            boolean done;
            try {
                done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while running " + this, e);
            }
            if (!done) {
                p.destroyForcibly();
                return new Result(-1, "did not finish within " + timeout.toMillis() + " ms; stopped");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8).strip());
        } finally {
            Files.deleteIfExists(out);
        }
    }

    @Override
    public String toString() {
        return String.join(" ", args);
    }
}
