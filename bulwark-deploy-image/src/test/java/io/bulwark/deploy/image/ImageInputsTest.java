package io.bulwark.deploy.image;

import com.google.cloud.tools.jib.api.RegistryUnauthorizedException;
import io.bulwark.deploy.image.internal.JibFailures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Bad input to {@code deploy image} is refused before anything is built, naming the value; a build
 * that fails (a registry or daemon that cannot be reached) says so in one line and writes nothing.
 */
class ImageInputsTest {

    private static ExecutorService executor;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        executor = Executors.newCachedThreadPool();
    }

    @AfterAll
    static void stop() {
        executor.shutdownNow();
    }

    @Test
    void baseReferencesParseInEveryFormAndBadOnesNameTheForms() {
        assertThat(BaseImage.defaults()).isEqualTo(new BaseImage(BaseImage.Source.REGISTRY, "eclipse-temurin:25-jre", null));
        assertThat(BaseImage.parse("tar:/images/jre.tar").tarball()).isEqualTo(Path.of("/images/jre.tar"));
        assertThat(BaseImage.parse("tar:///images/jre.tar").tarball()).as("Jib's own form").isEqualTo(Path.of("/images/jre.tar"));
        assertThat(BaseImage.parse("docker://eclipse-temurin:25-jre").source()).isEqualTo(BaseImage.Source.DOCKER_DAEMON);
        assertThat(BaseImage.parse("registry://ghcr.io/acme/jre:21").reference()).isEqualTo("ghcr.io/acme/jre:21");
        assertThatThrownBy(() -> BaseImage.parse("Not An Image")).hasMessage("base must be an image reference such as "
                + "eclipse-temurin:25-jre, tar:/path/to/image.tar (from docker save) or docker://name:tag, but was 'Not An Image'");
        assertThatThrownBy(() -> BaseImage.parse("tar:")).hasMessageContaining("but was 'tar:'");
        assertThatThrownBy(() -> ImageSettings.builder().image("Shop Image").build())
                .hasMessage("image must be an image reference such as registry.example.com/shop/bulwark:1.4.2 but was 'Shop Image'");
        assertThatThrownBy(() -> ImageSettings.builder().name("Shop").build()).hasMessageStartingWith("name must be a DNS label");
        assertThatThrownBy(() -> ImageSettings.builder().port(0).build()).hasMessage("port must be between 1 and 65535 but was 0");
    }

    @Test
    void aDirectoryWithoutTheLauncherJarIsNoDistribution() throws Exception {
        Files.createDirectories(dir.resolve("lib"));
        assertThatThrownBy(() -> Distribution.at(dir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(dir + " is not a Bulwark distribution: it needs bulwark.jar and lib/ (./mvnw -pl bulwark-cli -am "
                        + "package leaves them in bulwark-cli/target)");
        assertThat(Distribution.homeOf(ImageInputsTest.class)).as("loaded from a class directory").isEmpty();
        Distribution d = Distribution.at(ImageFixtures.distribution(dir.resolve("dist"), "v1"));
        assertThat(d.version()).isEqualTo("9.9.9-test");
        assertThat(d.application()).extracting(p -> p.getFileName().toString())
                .containsExactly("bulwark.jar", "bulwark-core-9.9.9-test.jar", "bulwark-jobs-9.9.9-test.jar");
        assertThat(d.dependencies()).extracting(p -> p.getFileName().toString()).as("not the stale jar outside the Class-Path")
                .containsExactly("jackson-core-2.20.1.jar", "picocli-4.7.7.jar");

        Files.delete(dir.resolve("dist/lib/picocli-4.7.7.jar"));
        assertThatThrownBy(() -> Distribution.at(dir.resolve("dist"))).hasMessage(dir.resolve("dist") + " is not a complete "
                + "Bulwark distribution: the Class-Path of bulwark.jar names lib/picocli-4.7.7.jar, which is missing");
    }

    @Test
    void aBaseTarballThatIsMissingCompressedOrNotAnImageIsBadInput() throws Exception {
        Path missing = dir.resolve("missing.tar");
        assertThatThrownBy(() -> build("tar:" + missing, dir.resolve("out.tar")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("base tarball " + missing + " does not exist");

        Path gz = dir.resolve("base.tar.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(new byte[1024]);
        }
        assertThatThrownBy(() -> build("tar:" + gz, dir.resolve("out.tar"))).hasMessage("base tarball " + gz
                + " is gzip-compressed: gunzip it first (docker save writes a plain tar)");

        Path notTar = Files.writeString(dir.resolve("notes.tar"), "not a tar at all, just some words in a file\n".repeat(20));
        assertThatThrownBy(() -> build("tar:" + notTar, dir.resolve("out.tar"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("base tarball " + notTar + " is not");
        assertThat(dir.resolve("out.tar")).doesNotExist();
    }

    @Test
    void anOutputThatCannotBeWrittenIsBadInput() throws Exception {
        Path base = ImageFixtures.baseTarball(dir.resolve("base.tar"), dir.resolve("base-build"));
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        assertThatThrownBy(() -> build("tar:" + base, file.resolve("out.tar"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("out " + file.resolve("out.tar") + " cannot be written: ");
        Path outDir = Files.createDirectories(dir.resolve("out-dir"));
        assertThatThrownBy(() -> build("tar:" + base, outDir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("out " + outDir + " is a directory: name the tarball, e.g. " + outDir.resolve("bulwark.tar"));
    }

    @Test
    void aDaemonThatCannotBeReachedFailsTheBuildNamingItAndWritesNothing() throws Exception {
        // No Docker daemon on the build machine: the docker CLI is missing or cannot connect.
        org.junit.jupiter.api.Assumptions.assumeFalse(daemonRuns(), "a Docker daemon runs here");
        Path out = dir.resolve("out/image.tar");

        assertThatThrownBy(() -> build("docker://eclipse-temurin:25-jre", out)).isInstanceOf(ImageBuildException.class)
                .hasMessageStartingWith("the Docker daemon could not save eclipse-temurin:25-jre: ")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));

        try (Stream<Path> left = Files.list(out.getParent())) {
            assertThat(left).as("no tarball, no temporary file").isEmpty();
        }
    }

    /**
     * What Jib throws when a registry cannot be reached or refuses, as one line naming the base. (A
     * real unreachable registry costs Jib's retries, about 50 s: DeployImageIT in bulwark-cli runs one.)
     */
    @Test
    void registryFailuresReadAsOneLineNamingTheBase() {
        BaseImage base = BaseImage.defaults();
        assertThat(JibFailures.describe(new ExecutionException(new UnknownHostException(
                "registry-1.docker.io: Name or service not known")), base, false))
                .isEqualTo("cannot reach the registry of eclipse-temurin:25-jre: unknown host registry-1.docker.io: Name or "
                        + "service not known (no network or DNS?)");
        assertThat(JibFailures.describe(new ExecutionException(new IOException("Connect to localhost:1 failed",
                new ConnectException("Connection refused"))), base, false))
                .isEqualTo("cannot reach the registry of eclipse-temurin:25-jre: Connection refused");
        assertThat(JibFailures.describe(new RegistryUnauthorizedException("registry-1.docker.io", "library/x",
                null), base, false)).startsWith("the registry refused eclipse-temurin:25-jre (unauthorized)");
        assertThat(JibFailures.describe(new IOException("'docker load' command failed with error: Cannot connect to the "
                + "Docker daemon at unix:///var/run/docker.sock.\nIs the docker daemon running?"), base, true))
                .isEqualTo("the Docker daemon could not load the image: 'docker load' command failed with error: Cannot "
                        + "connect to the Docker daemon at unix:///var/run/docker.sock.");
    }

    private void build(String base, Path out) throws Exception {
        ImageSettings s = ImageSettings.builder().base(BaseImage.parse(base)).cacheDir(dir.resolve("cache")).build();
        ImageBuild.build(s, Distribution.at(ImageFixtures.distribution(dir.resolve("dist"), "v1")), ImageTarget.tarball(out),
                executor, ImageBuildListener.NONE);
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
