package io.bulwark.cli;

import io.bulwark.deploy.Artifacts;
import io.bulwark.deploy.DeploySettings;
import io.bulwark.deploy.DockerfileCheck;
import io.bulwark.deploy.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The generated Dockerfile's shell steps, run without Docker (no daemon here) against the packaged
 * distribution: on JDK 25 and later the first stage's training run must leave an ahead-of-time
 * cache, and its fallback for an older base (start a server, see it ready, stop it) a
 * class-data-sharing archive; the second stage's launcher must run Bulwark with whichever is there,
 * its classes coming from it. Paths under /opt/bulwark and /usr/local/bin become temp directories;
 * java is this JVM's.
 */
class DockerfileScriptIT {

    @TempDir
    Path dir;

    @Test
    void theTrainingStepRecordsAnArchiveAndTheLauncherRunsWithIt() throws Exception {
        Artifacts.write(dir.resolve("out"), Artifacts.generate(DeploySettings.builder("shop").build(),
                EnumSet.of(Target.DOCKER)));
        List<DockerfileCheck.Instruction> steps = DockerfileCheck.parse(
                Files.readString(dir.resolve("out/docker/Dockerfile")));
        List<String> runs = steps.stream().filter(s -> s.keyword().equals("RUN")).map(DockerfileCheck.Instruction::args)
                .toList();
        assertThat(runs).hasSize(2);

        Path opt = Files.createDirectories(dir.resolve("opt/bulwark"));
        Path target = Path.of("target").toAbsolutePath();
        Files.createSymbolicLink(opt.resolve("bulwark.jar"), target.resolve("bulwark.jar"));
        Files.createSymbolicLink(opt.resolve("lib"), target.resolve("lib"));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String training = runs.get(0).replace("/opt/bulwark", opt.toString()).replace("18080", String.valueOf(port))
                .replace("/tmp/cds", dir.resolve("cds").toString());
        assertThat(sh(opt, training)).as("the training step").isZero();
        boolean aot = Runtime.version().feature() >= 25;
        assertThat(opt.resolve(aot ? "bulwark.aot" : "bulwark.jsa")).isNotEmptyFile();

        Path bin = Files.createDirectories(dir.resolve("bin"));
        String launcher = runs.get(1).substring(runs.get(1).indexOf("printf"));
        launcher = launcher.substring(0, launcher.indexOf("&& chmod")).replace("/usr/local/bin", bin.toString())
                .replace("/opt/bulwark", opt.toString());
        assertThat(sh(dir, launcher + " && chmod 0755 " + bin.resolve("bulwark"))).isZero();
        List<String> loads = classLoads(bin, "aot");
        assertThat(fromTheCache(loads, "io.bulwark.")).as("Bulwark's classes from the start-up cache").isGreaterThan(10);
        if (aot) {
            // picocli's class files are rewritten for Java 8 by the build: the AOT cache refuses Java 5's.
            assertThat(fromTheCache(loads, "picocli.")).as("picocli's classes from the start-up cache")
                    .isGreaterThan(100);
        }

        if (aot) {
            // A base older than JDK 25 refuses the option and runs the rest of the step: the CDS recording.
            String fallback = training.substring(training.indexOf("fi;") + "fi;".length());
            assertThat(sh(opt, fallback)).as("the fallback").isZero();
            assertThat(opt.resolve("bulwark.aot")).doesNotExist();
            assertThat(opt.resolve("bulwark.jsa")).isNotEmptyFile();
            assertThat(fromTheCache(classLoads(bin, "cds"), "io.bulwark.")).as("Bulwark's classes from the CDS archive")
                    .isGreaterThan(10);
        }
    }

    /** Runs {@code bulwark version} through the launcher; the JVM's class-load log of that run. */
    private List<String> classLoads(Path bin, String name) throws Exception {
        Path log = dir.resolve("classes-" + name + ".txt");
        ProcessBuilder run = new ProcessBuilder(bin.resolve("bulwark").toString(), "version").redirectErrorStream(true);
        run.environment().put("PATH", javaBin() + ":" + System.getenv("PATH"));
        run.environment().put("JAVA_TOOL_OPTIONS", "-Xlog:class+load=info:file=" + log);
        Process version = run.start();
        String out = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(version.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(version.exitValue()).as(out).isZero();
        assertThat(out).contains("bulwark ");
        return Files.readAllLines(log);
    }

    /**
     * How many classes of the package {@code prefix} came from a shared archive (the JDK's default
     * archive holds none of Bulwark's or picocli's).
     */
    private static long fromTheCache(List<String> classLoads, String prefix) {
        return classLoads.stream().filter(l -> l.contains(" " + prefix) && l.contains("source: shared objects file"))
                .count();
    }

    /** This JVM's bin directory: the tests run on JDK 21 or later, whatever java the PATH holds. */
    private static String javaBin() {
        return Path.of(ProcessHandle.current().info().command().orElseThrow()).getParent().toString();
    }

    private static int sh(Path dir, String script) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", script).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("sh.log").toFile());
        pb.environment().put("PATH", javaBin() + ":" + System.getenv("PATH"));
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the step did not end within 120 s: " + Files.readString(dir.resolve("sh.log")));
        }
        if (p.exitValue() != 0) {
            System.err.println(Files.readString(dir.resolve("sh.log")));
        }
        return p.exitValue();
    }
}
