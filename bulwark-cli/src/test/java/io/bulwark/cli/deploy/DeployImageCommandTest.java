package io.bulwark.cli.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.cli.CliRun;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bulwark deploy image} in-process, offline: a small distribution, a base tarball written as
 * {@code docker save} writes one, the image read back; and bad input (exit 2) and failed builds
 * (exit 1), each reported in one line.
 */
class DeployImageCommandTest {

    @TempDir
    Path dir;
    Path dist;
    Path base;

    @BeforeEach
    void distributionAndBase() throws Exception {
        dist = Files.createDirectories(dir.resolve("dist/lib")).getParent();
        jar(dist.resolve("bulwark.jar"), "io/bulwark/cli/Main.class");
        jar(dist.resolve("lib/bulwark-core-1.2.3.jar"), "io/bulwark/core/version.properties");
        jar(dist.resolve("lib/picocli-4.7.7.jar"), "picocli/CommandLine.class");
        base = ImageTar.dockerSaveBase(dir.resolve("jre.tar"), "test/jre:21");
    }

    private CliRun image(String... args) {
        List<String> all = new java.util.ArrayList<>(List.of("deploy", "image", "--cache", dir.resolve("cache").toString(),
                "--data-dir", dir.toString()));
        all.addAll(List.of(args));
        return CliRun.run(all.toArray(String[]::new));
    }

    @Test
    void buildsTheImageOnADockerSaveBaseWithThePortNameAndImageGiven() throws Exception {
        Path out = dir.resolve("out/shop.tar");

        CliRun run = image("--out", out.toString(), "--base", "tar:" + base, "--distribution", dist.toString(),
                "--image", "registry.example.com/shop/bulwark:1.4.2", "--name", "shop", "--port", "9090");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("Built registry.example.com/shop/bulwark:1.4.2 on tar:" + base)
                .contains("(Bulwark 1.2.3)").containsPattern("layer dependencies\\s+1 files")
                .containsPattern("layer application\\s+2 files").contains("docker load -i " + out);
        ImageTar image = ImageTar.read(out);
        assertThat(image.manifest().path(0).path("RepoTags").get(0).asText()).isEqualTo("registry.example.com/shop/bulwark:1.4.2");
        assertThat(image.layers()).hasSize(4);
        assertThat(image.layers().get(0)).as("the base's layer").containsKey(ImageTar.BASE_FILE);
        assertThat(image.layers().get(1)).containsKey("opt/bulwark/lib/picocli-4.7.7.jar");
        assertThat(image.layers().get(2).get("usr/local/bin/bulwark")).contains("exec java -jar \"$jar\" \"$@\"");
        assertThat(image.layers().get(3)).containsKeys("opt/bulwark/bulwark.jar", "opt/bulwark/lib/bulwark-core-1.2.3.jar");
        JsonNode c = image.containerConfig();
        assertThat(c.path("Cmd")).extracting(JsonNode::asText).containsSubsequence("serve", "--port", "9090");
        assertThat(c.path("ExposedPorts").has("9090/tcp")).isTrue();
        assertThat(c.path("User").asText()).isEqualTo("10001:10001");
        assertThat(c.path("Labels").path("app.kubernetes.io/part-of").asText()).isEqualTo("shop");
        assertThat(c.path("Labels").path("org.opencontainers.image.base.name").asText()).isEqualTo("test/jre:21");
        assertThat(c.path("Env")).extracting(JsonNode::asText).contains("PATH=/opt/java/openjdk/bin:/usr/local/bin:/usr/bin:/bin");
    }

    @Test
    void badInputExitsTwoInOneLineNamingTheOption() throws Exception {
        Path out = dir.resolve("out.tar");
        String dist = this.dist.toString();
        assertUsage(image("--base", "tar:" + base, "--distribution", dist), "Missing required argument");
        assertUsage(image("--out", out.toString(), "--to-daemon", "--distribution", dist), "mutually exclusive");
        assertUsage(image("--out", out.toString(), "--base", "Not An Image", "--distribution", dist),
                "error: --base must be an image reference such as eclipse-temurin:25-jre, tar:/path/to/image.tar");
        assertUsage(image("--out", out.toString(), "--image", "Shop Image", "--distribution", dist),
                "error: --image must be an image reference such as registry.example.com/shop/bulwark:1.4.2 but was 'Shop Image'");
        Path missing = dir.resolve("missing.tar");
        assertUsage(image("--out", out.toString(), "--base", "tar:" + missing, "--distribution", dist),
                "error: --base tarball " + missing + " does not exist");
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        assertUsage(image("--out", file.resolve("out.tar").toString(), "--base", "tar:" + base, "--distribution", dist),
                "error: --out " + file.resolve("out.tar") + " cannot be written: ");
        assertUsage(image("--out", out.toString(), "--base", "tar:" + base, "--distribution", dir.toString()),
                "error: " + dir + " is not a Bulwark distribution: it needs bulwark.jar and lib/");
        assertUsage(image("--out", out.toString(), "--base", "tar:" + base),
                "error: this bulwark does not run from a distribution (bulwark.jar with lib/): pass --distribution DIR");
        assertThat(out).doesNotExist();
    }

    @Test
    void aDockerDaemonThatCannotBeReachedFailsTheBuildWithExitOne() {
        org.junit.jupiter.api.Assumptions.assumeFalse(daemonRuns(), "a Docker daemon runs here");

        CliRun toDaemon = image("--to-daemon", "--base", "tar:" + base, "--distribution", dist.toString());
        assertThat(toDaemon.exit()).as(toDaemon.err()).isEqualTo(1);
        assertThat(errorLines(toDaemon)).singleElement().asString().startsWith("error: the Docker daemon could not load the image: ");

        CliRun fromDaemon = image("--out", dir.resolve("x.tar").toString(), "--base", "docker://eclipse-temurin:25-jre",
                "--distribution", dist.toString());
        assertThat(fromDaemon.exit()).isEqualTo(1);
        assertThat(errorLines(fromDaemon)).singleElement().asString()
                .startsWith("error: the Docker daemon could not save eclipse-temurin:25-jre: ");
        assertThat(dir.resolve("x.tar")).doesNotExist();
    }

    private static void assertUsage(CliRun run, String message) {
        assertThat(run.exit()).as(run.err()).isEqualTo(2);
        assertThat(run.err()).contains(message);
        if (message.startsWith("error: ")) {
            assertThat(errorLines(run)).as("one line").singleElement().asString().startsWith(message);
        }
    }

    /** What the command printed on the error stream besides Jib's warnings and the progress bar. */
    private static List<String> errorLines(CliRun run) {
        return run.err().lines().filter(l -> !l.startsWith("deploy image [") && !l.startsWith("warning: ")).toList();
    }

    private static void jar(Path file, String entry) throws Exception {
        Manifest m = new Manifest();
        m.getMainAttributes().putValue("Manifest-Version", "1.0");
        if (file.getFileName().toString().equals("bulwark.jar")) {
            m.getMainAttributes().putValue("Class-Path", "lib/bulwark-core-1.2.3.jar lib/picocli-4.7.7.jar");
        }
        try (OutputStream out = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(out, m)) {
            jar.putNextEntry(new JarEntry(entry));
            jar.write((entry.endsWith(".properties") ? "version=1.2.3\n" : entry).getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
        }
    }

    static boolean daemonRuns() {
        try {
            Process p = new ProcessBuilder("docker", "info").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
