package io.bulwark.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The start of a command line that runs the packaged {@code target/bulwark.jar} in a child JVM,
 * as the process-level tests start their servers and workers: the JDK running the tests, a small
 * serial-collected heap and C1 only, because on two cores several such children start at once and
 * C2's compiler threads would take the CPU the test is waiting on.
 */
public final class ChildJvm {

    private ChildJvm() {
    }

    /** {@code java <flags> -jar target/bulwark.jar <args>}, as a list the caller may add to. */
    public static List<String> bulwark(String... args) {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx384m", "-jar",
                Path.of("target", "bulwark.jar").toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }
}
