package io.bulwark.scaling;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/** The drivers that need nothing beyond the JDK. */
public final class ScaleDrivers {

    private ScaleDrivers() {
    }

    /** Records decisions and applies none; the current count comes from {@code current} (e.g. the fleet's workers). */
    public static ScaleDriver dryRun(IntSupplier current) {
        return new ScaleDriver() {
            @Override
            public String name() {
                return "dry-run";
            }

            @Override
            public int currentReplicas() {
                return current.getAsInt();
            }

            @Override
            public boolean scale(int replicas) {
                return false;
            }
        };
    }

    /**
     * Runs {@code command} with the desired count as its last argument (e.g. a script that resizes a
     * VM group); exit 0 within a minute is success. The current count comes from {@code current}.
     */
    public static ScaleDriver command(List<String> command, IntSupplier current) {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("command must name a program");
        }
        List<String> base = List.copyOf(command);
        return new ScaleDriver() {
            @Override
            public String name() {
                return "command";
            }

            @Override
            public int currentReplicas() {
                return current.getAsInt();
            }

            @Override
            public boolean scale(int replicas) throws ScaleException {
                List<String> cmd = new ArrayList<>(base);
                cmd.add(String.valueOf(replicas));
                try {
                    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                    p.getOutputStream().close();
                    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                    if (!p.waitFor(60, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                        throw new ScaleException(String.join(" ", cmd) + " did not finish within 60 s");
                    }
                    if (p.exitValue() != 0) {
                        throw new ScaleException(String.join(" ", cmd) + " exited " + p.exitValue()
                                + (out.isEmpty() ? "" : ": " + out.lines().reduce((a, b) -> b).orElse("")));
                    }
                    return true;
                } catch (IOException e) {
                    throw new ScaleException("cannot run " + base.get(0) + ": " + e.getMessage(), e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ScaleException("interrupted while running " + base.get(0), e);
                }
            }
        };
    }
}
