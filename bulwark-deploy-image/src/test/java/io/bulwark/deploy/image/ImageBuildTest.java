package io.bulwark.deploy.image;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code deploy image} without a registry or a Docker daemon: a base image tarball built here with
 * Jib from scratch, a small distribution, and the image read back from its tarball.
 */
class ImageBuildTest {

    private static ExecutorService executor;

    @TempDir
    static Path shared;
    @TempDir
    Path dir;

    private static Path base;

    @BeforeAll
    static void baseImage() throws Exception {
        executor = Executors.newCachedThreadPool();
        base = ImageFixtures.baseTarball(shared.resolve("base.tar"), shared.resolve("base-build"));
    }

    @AfterAll
    static void stop() {
        executor.shutdownNow();
    }

    private ImageResult build(Path home, Path out) throws Exception {
        ImageSettings s = ImageSettings.builder().name("shop").image("registry.example.com/shop/bulwark:1.4.2").port(9090)
                .base(BaseImage.parse("tar:" + base)).cacheDir(shared.resolve("cache")).build();
        return ImageBuild.build(s, Distribution.at(home), ImageTarget.tarball(out), executor, ImageBuildListener.NONE);
    }

    @Test
    void theImageIsTheBaseThenDependenciesLauncherAndApplicationWithTheDockerfilesConfiguration() throws Exception {
        Path out = dir.resolve("images/shop.tar");
        ImageResult r = build(ImageFixtures.distribution(dir.resolve("dist"), "v1"), out);

        assertThat(r.tarball()).isEqualTo(out);
        assertThat(r.layers()).extracting(ImageResult.Layer::name, ImageResult.Layer::files)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("dependencies", 2),
                        org.assertj.core.groups.Tuple.tuple("launcher", 2),
                        org.assertj.core.groups.Tuple.tuple("application", 3));
        try (Stream<Path> left = Files.list(out.getParent())) {
            assertThat(left).as("the temporary file was moved into place").containsExactly(out);
        }
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(out)))
                .as("readable like any file written, not owner-only like the temporary file").isEqualTo("rw-r--r--");
        ImageTarball image = ImageTarball.read(out);
        assertThat(image.manifest().path(0).path("RepoTags").get(0).asText()).isEqualTo("registry.example.com/shop/bulwark:1.4.2");
        assertThat(image.layers()).hasSize(4);
        assertThat(image.diffIds()).hasSize(4);
        assertThat(image.layers().get(0).entries()).as("the base's layer, first").containsKey(ImageFixtures.MARKER);

        ImageTarball.Layer dependencies = image.layers().get(1);
        assertThat(files(dependencies)).containsExactlyInAnyOrder("opt/bulwark/lib/jackson-core-2.20.1.jar",
                "opt/bulwark/lib/picocli-4.7.7.jar");
        ImageTarball.Layer launcher = image.layers().get(2);
        assertThat(files(launcher)).containsExactlyInAnyOrder("usr/local/bin/bulwark", "var/lib/bulwark");
        ImageTarball.Entry script = launcher.entries().get("usr/local/bin/bulwark");
        assertThat(script.mode()).isEqualTo(0755);
        assertThat(script.text()).startsWith("#!/bin/sh").contains("jar=/opt/bulwark/bulwark.jar")
                .contains("-XX:+AutoCreateSharedArchive -XX:SharedArchiveFile=\"$cds/bulwark-$1.jsa\"")
                .contains("cds=\"${BULWARK_CDS_DIR:-/tmp}\"").contains("[ -w \"$cds\" ]");
        ImageTarball.Entry data = launcher.entries().get("var/lib/bulwark");
        assertThat(data.directory()).isTrue();
        assertThat(List.of(data.uid(), data.gid())).as("the data directory belongs to the image's user").containsExactly(10001L, 10001L);
        ImageTarball.Layer application = image.layers().get(3);
        assertThat(files(application)).containsExactlyInAnyOrder("opt/bulwark/bulwark.jar",
                "opt/bulwark/lib/bulwark-core-9.9.9-test.jar", "opt/bulwark/lib/bulwark-jobs-9.9.9-test.jar");

        JsonNode c = image.containerConfig();
        assertThat(c.path("User").asText()).isEqualTo("10001:10001");
        assertThat(c.path("Entrypoint")).extracting(JsonNode::asText).containsExactly("/usr/local/bin/bulwark");
        assertThat(c.path("Cmd")).extracting(JsonNode::asText)
                .containsExactly("serve", "--host", "0.0.0.0", "--port", "9090", "--data-dir", "/var/lib/bulwark");
        assertThat(c.path("Env")).extracting(JsonNode::asText).contains(
                "JAVA_TOOL_OPTIONS=-XX:MaxRAMPercentage=70 -XX:+ExitOnOutOfMemoryError", "BULWARK_PROFILE=prod",
                "HOME=/var/lib/bulwark", "PATH=" + ImageFixtures.BASE_PATH);
        assertThat(c.path("ExposedPorts").has("9090/tcp")).isTrue();
        assertThat(c.path("WorkingDir").asText()).isEqualTo("/var/lib/bulwark");
        assertThat(c.path("Volumes").has("/var/lib/bulwark")).isTrue();
        assertThat(c.has("Healthcheck")).as("Jib cannot write one").isFalse();
        JsonNode labels = c.path("Labels");
        assertThat(labels.path("org.opencontainers.image.title").asText()).isEqualTo("shop");
        assertThat(labels.path("org.opencontainers.image.version").asText()).isEqualTo("9.9.9-test");
        assertThat(labels.path("org.opencontainers.image.base.name").asText()).isEqualTo("test/base:1");
        assertThat(labels.path("app.kubernetes.io/name").asText()).isEqualTo("bulwark");
        assertThat(labels.path("app.kubernetes.io/version").asText()).isEqualTo("9.9.9-test");
        assertThat(labels.path("app.kubernetes.io/part-of").asText()).isEqualTo("shop");
        assertThat(image.config().path("os").asText()).isEqualTo("linux");
        assertThat(image.config().path("created").asText()).as("reproducible: Jib's fixed creation time")
                .isEqualTo("1970-01-01T00:00:00Z");
    }

    @Test
    void aChangeToOneOfBulwarksJarsChangesOnlyTheApplicationLayer() throws Exception {
        Path home = ImageFixtures.distribution(dir.resolve("dist"), "v1");
        ImageResult first = build(home, dir.resolve("first.tar"));
        ImageResult again = build(home, dir.resolve("again.tar"));
        ImageFixtures.changeJobs(home, "v2");
        ImageResult changed = build(home, dir.resolve("changed.tar"));

        assertThat(again.imageId()).as("the same inputs build the same image").isEqualTo(first.imageId());
        assertThat(changed.imageId()).isNotEqualTo(first.imageId());
        List<String> before = ImageTarball.read(dir.resolve("first.tar")).diffIds();
        List<String> after = ImageTarball.read(dir.resolve("changed.tar")).diffIds();
        assertThat(after.subList(0, 3)).as("base, dependencies and launcher").isEqualTo(before.subList(0, 3));
        assertThat(after.get(3)).as("application").isNotEqualTo(before.get(3));
        assertThat(ImageTarball.read(dir.resolve("first.tar")).layers().get(3).entries()
                .get("opt/bulwark/lib/bulwark-jobs-9.9.9-test.jar")).isNotNull();
    }

    private static List<String> files(ImageTarball.Layer layer) {
        return layer.entries().values().stream().filter(e -> !e.directory() || e.path().equals("var/lib/bulwark"))
                .map(ImageTarball.Entry::path).toList();
    }
}
