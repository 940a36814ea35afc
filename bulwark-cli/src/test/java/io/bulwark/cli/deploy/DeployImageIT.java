package io.bulwark.cli.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bulwark deploy image} run from the packaged distribution, as a user runs it: it finds the
 * distribution it runs from, and the image holds exactly its class path, third-party jars apart
 * from Bulwark's own. Then the image's launcher runs against that distribution (paths under
 * /opt/bulwark become temp directories, java is this JVM's): its first run records a
 * class-data-sharing archive in BULWARK_CDS_DIR, the next one loads Bulwark's classes from it, and
 * without a writable directory it runs without one. An unreachable registry is not tried here: Jib
 * retries it for about 50 s, which the CLI's sequential ITs cannot afford; ImageInputsTest checks
 * the one-line messages Jib's failures become.
 */
class DeployImageIT {

    @TempDir
    Path dir;

    @Test
    void theImageOfThisDistributionHoldsItsClassPathAndItsLauncherRecordsAndUsesAnArchive() throws Exception {
        Path target = Path.of("target").toAbsolutePath();
        Path base = ImageTar.dockerSaveBase(dir.resolve("jre.tar"), "test/jre:21");
        Path out = dir.resolve("image/shop.tar");

        Run build = bulwark(dir, Map.of(), "java", "-jar", target.resolve("bulwark.jar").toString(), "deploy", "image",
                "--out", out.toString(), "--base", "tar:" + base, "--cache", dir.resolve("cache").toString(),
                "--image", "shop:it", "--name", "shop", "--data-dir", dir.resolve("data").toString());

        assertThat(build.exit()).as(build.output()).isZero();
        assertThat(build.output()).contains("Built shop:it on tar:" + base + " from " + target).contains("Wrote " + out);
        List<String> classPath;
        try (JarFile jar = new JarFile(target.resolve("bulwark.jar").toFile())) {
            classPath = List.of(jar.getManifest().getMainAttributes().getValue("Class-Path").strip().split("\\s+"));
        }
        ImageTar image = ImageTar.read(out);
        assertThat(image.layers()).hasSize(4);
        List<String> own = new ArrayList<>(List.of("opt/bulwark/bulwark.jar"));
        List<String> thirdParty = new ArrayList<>();
        for (String jar : classPath) {
            (jar.startsWith("lib/bulwark-") ? own : thirdParty).add("opt/bulwark/" + jar);
        }
        assertThat(jars(image.layers().get(1))).as("dependencies").containsExactlyInAnyOrderElementsOf(thirdParty);
        assertThat(jars(image.layers().get(3))).as("application").containsExactlyInAnyOrderElementsOf(own)
                .contains("opt/bulwark/lib/bulwark-core-0.1.0-SNAPSHOT.jar");
        JsonNode labels = image.containerConfig().path("Labels");
        assertThat(labels.path("org.opencontainers.image.version").asText()).isEqualTo("0.1.0-SNAPSHOT");

        // The launcher, against this distribution.
        Path opt = Files.createDirectories(dir.resolve("opt/bulwark"));
        Files.createSymbolicLink(opt.resolve("bulwark.jar"), target.resolve("bulwark.jar"));
        Files.createSymbolicLink(opt.resolve("lib"), target.resolve("lib"));
        Path launcher = dir.resolve("bin/bulwark");
        Files.createDirectories(launcher.getParent());
        Files.writeString(launcher, image.layers().get(2).get("usr/local/bin/bulwark").replace("/opt/bulwark", opt.toString()));
        assertThat(launcher.toFile().setExecutable(true)).isTrue();
        Path cds = Files.createDirectories(dir.resolve("cds"));
        String url = "http://127.0.0.1:" + closedPort();

        Run first = bulwark(dir, Map.of("BULWARK_CDS_DIR", cds.toString()), launcher.toString(), "health", "--url", url);
        assertThat(first.output()).as("the archive's notes stay out of the output").doesNotContain("[cds]")
                .doesNotContain("shared archive");
        assertThat(cds.resolve("bulwark-health.jsa")).as("written at the first exit").isNotEmptyFile();

        Run second = bulwark(dir, Map.of("BULWARK_CDS_DIR", cds.toString(), "JAVA_TOOL_OPTIONS", "-Xlog:class+load=info"),
                launcher.toString(), "health", "--url", url);
        assertThat(second.exit()).as("the same answer with the archive").isEqualTo(first.exit());
        assertThat(second.output()).containsPattern("io\\.bulwark\\.cli\\.\\S+ source: shared objects file \\(top\\)");

        Path missing = dir.resolve("no-such-dir");
        Run without = bulwark(dir, Map.of("BULWARK_CDS_DIR", missing.toString()), launcher.toString(), "health", "--url", url);
        assertThat(without.exit()).as(without.output()).isEqualTo(first.exit());
        assertThat(missing).doesNotExist();
    }

    private static List<String> jars(Map<String, String> layer) {
        return layer.keySet().stream().filter(p -> p.endsWith(".jar")).toList();
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private record Run(int exit, String output) {
    }

    /** Runs a command with this JVM's java first on the PATH, output and errors together. */
    private static Run bulwark(Path dir, Map<String, String> env, String... command) throws Exception {
        String javaBin = Path.of(ProcessHandle.current().info().command().orElseThrow()).getParent().toString();
        List<String> line = new ArrayList<>(List.of(command));
        if (line.getFirst().equals("java")) {
            line.set(0, javaBin + "/java"); // ProcessBuilder looks the program up on this process's PATH, not the child's
        }
        ProcessBuilder pb = new ProcessBuilder(line).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("PATH", javaBin + ":" + System.getenv("PATH"));
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] output = p.getInputStream().readAllBytes();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("did not end within 180 s: " + String.join(" ", command));
        }
        return new Run(p.exitValue(), new String(output, StandardCharsets.UTF_8));
    }
}
