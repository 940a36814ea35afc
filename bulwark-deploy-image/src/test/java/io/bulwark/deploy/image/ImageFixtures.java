package io.bulwark.deploy.image;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** What the image tests build from, made offline: a small distribution and a base image tarball. */
final class ImageFixtures {

    /** The base's only file. */
    static final String MARKER = "etc/bulwark-test-base";
    static final String BASE_PATH = "/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private ImageFixtures() {
    }

    /**
     * A distribution as bulwark-cli/target has it: bulwark.jar, whose Class-Path names Bulwark's jars
     * (bulwark-core with its version) and two third-party ones; {@code jobsCode} is the content of
     * bulwark-jobs. lib/ also holds a jar of an earlier build that the Class-Path does not name.
     */
    static Path distribution(Path home, String jobsCode) throws IOException {
        Files.createDirectories(home.resolve("lib"));
        jar(home.resolve("bulwark.jar"), Map.of("io/bulwark/cli/Main.class", "main"), true);
        jar(home.resolve("lib/bulwark-core-9.9.9-test.jar"), Map.of("io/bulwark/core/version.properties",
                "version=9.9.9-test\n"), false);
        changeJobs(home, jobsCode);
        jar(home.resolve("lib/picocli-4.7.7.jar"), Map.of("picocli/CommandLine.class", "picocli"), false);
        jar(home.resolve("lib/jackson-core-2.20.1.jar"), Map.of("com/fasterxml/jackson/core/JsonParser.class", "jackson"),
                false);
        jar(home.resolve("lib/jackson-core-2.19.0.jar"), Map.of("com/fasterxml/jackson/core/JsonParser.class", "old"), false);
        return home;
    }

    /** Rewrites only lib/bulwark-jobs: a code change in one of Bulwark's modules. */
    static void changeJobs(Path home, String jobsCode) throws IOException {
        jar(home.resolve("lib/bulwark-jobs-9.9.9-test.jar"), Map.of("io/bulwark/jobs/Code.class", jobsCode), false);
    }

    /**
     * A base image as a tarball, built with Jib from scratch: one layer holding {@link #MARKER},
     * and a PATH, as eclipse-temurin has one. Jib writes its layers gzip-compressed.
     */
    static Path baseTarball(Path tar, Path cache) throws Exception {
        Path marker = Files.createDirectories(cache.resolve("marker")).resolve("marker");
        Files.writeString(marker, "the base\n");
        Jib.fromScratch().setEnvironment(Map.of("PATH", BASE_PATH))
                .addFileEntriesLayer(FileEntriesLayer.builder().addEntry(marker, AbsoluteUnixPath.get("/" + MARKER)).build())
                .containerize(Containerizer.to(TarImage.at(tar).named("test/base:1"))
                        .setBaseImageLayersCache(cache.resolve("base")).setApplicationLayersCache(cache.resolve("app")));
        return tar;
    }

    private static void jar(Path file, Map<String, String> entries, boolean launcher) throws IOException {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (launcher) {
            m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "io.bulwark.cli.Main");
            m.getMainAttributes().put(Attributes.Name.CLASS_PATH, "lib/bulwark-core-9.9.9-test.jar "
                    + "lib/bulwark-jobs-9.9.9-test.jar lib/picocli-4.7.7.jar lib/jackson-core-2.20.1.jar");
        }
        try (OutputStream out = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(out, m)) {
            for (Map.Entry<String, String> e : entries.entrySet()) {
                JarEntry entry = new JarEntry(e.getKey());
                entry.setTime(0);
                jar.putNextEntry(entry);
                jar.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                jar.closeEntry();
            }
        }
    }
}
