package io.bulwark.deploy.image;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;

/**
 * A Bulwark distribution as {@code ./mvnw -pl bulwark-cli -am package} leaves it in
 * {@code bulwark-cli/target}: {@code bulwark.jar}, whose manifest puts {@code lib/*.jar} on the
 * class path, and {@code lib/}. Only the jars of that {@code Class-Path} are taken: Maven's
 * copy of the dependencies never removes the jars of earlier builds from {@code lib/}, and they
 * do not belong in an image. The image keeps them apart in two layers: {@link #dependencies()}
 * (third-party jars, which change rarely) and {@link #application()} ({@code bulwark.jar} and
 * Bulwark's own {@code lib/bulwark-*.jar}, which change with every build).
 *
 * @param home         the directory holding {@code bulwark.jar} and {@code lib/}
 * @param version      Bulwark's version, read from {@code lib/bulwark-core-*.jar}
 * @param dependencies the third-party jars of the class path, sorted
 * @param application  {@code bulwark.jar} and {@code lib/bulwark-*.jar}, sorted
 */
public record Distribution(Path home, String version, List<Path> dependencies, List<Path> application) {

    /** The launcher jar in {@link #home()}. */
    public static final String LAUNCHER_JAR = "bulwark.jar";

    public Distribution {
        Objects.requireNonNull(home, "home must be set");
        Objects.requireNonNull(version, "version must be set");
        dependencies = List.copyOf(dependencies);
        application = List.copyOf(application);
    }

    /**
     * Reads the distribution in {@code home}.
     *
     * @throws IllegalArgumentException when {@code home} is not one, saying what is missing
     * @throws IOException              when it cannot be read
     */
    public static Distribution at(Path home) throws IOException {
        Path dir = home.toAbsolutePath().normalize();
        Path launcher = dir.resolve(LAUNCHER_JAR);
        if (!Files.isRegularFile(launcher) || !Files.isDirectory(dir.resolve("lib"))) {
            throw new IllegalArgumentException(home + " is not a Bulwark distribution: it needs " + LAUNCHER_JAR
                    + " and lib/ (./mvnw -pl bulwark-cli -am package leaves them in bulwark-cli/target)");
        }
        List<Path> jars = new ArrayList<>();
        for (String entry : classPath(launcher)) {
            Path jar = dir.resolve(entry).normalize();
            if (!Files.isRegularFile(jar)) {
                throw new IllegalArgumentException(home + " is not a complete Bulwark distribution: the Class-Path of "
                        + LAUNCHER_JAR + " names " + entry + ", which is missing");
            }
            jars.add(jar);
        }
        jars.sort(null);
        List<Path> own = jars.stream().filter(Distribution::bulwarks).toList();
        Path core = own.stream().filter(p -> p.getFileName().toString().startsWith("bulwark-core-")).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(home + " is not a Bulwark distribution: the Class-Path of "
                        + LAUNCHER_JAR + " has no bulwark-core jar"));
        List<Path> app = Stream.concat(Stream.of(launcher), own.stream()).toList();
        return new Distribution(dir, version(core), jars.stream().filter(p -> !bulwarks(p)).toList(), app);
    }

    /** The jars the launcher's manifest puts on the class path: exactly what runs, not what else lies in lib/. */
    private static List<String> classPath(Path launcher) throws IOException {
        try (JarFile jar = new JarFile(launcher.toFile())) {
            Manifest m = jar.getManifest();
            String cp = m == null ? null : m.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
            if (cp == null || cp.isBlank()) {
                throw new IllegalArgumentException(launcher + " has no Class-Path in its manifest: it is not Bulwark's launcher jar");
            }
            return List.of(cp.strip().split("\\s+"));
        }
    }

    /**
     * The directory of the distribution {@code launcherClass} was loaded from: the parent of
     * {@code bulwark.jar} when the class came from that jar; empty when it came from a class
     * directory (tests, an IDE) or another jar.
     */
    public static Optional<Path> homeOf(Class<?> launcherClass) {
        CodeSource source = launcherClass.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            return Optional.empty();
        }
        try {
            Path jar = Path.of(source.getLocation().toURI());
            return Files.isRegularFile(jar) && jar.getFileName().toString().equals(LAUNCHER_JAR)
                    && Files.isDirectory(jar.resolveSibling("lib")) ? Optional.of(jar.getParent()) : Optional.empty();
        } catch (URISyntaxException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static boolean bulwarks(Path jar) {
        return jar.getFileName().toString().startsWith("bulwark-");
    }

    private static String version(Path coreJar) throws IOException {
        try (JarFile jar = new JarFile(coreJar.toFile())) {
            ZipEntry e = jar.getEntry("io/bulwark/core/version.properties");
            if (e == null) {
                return "unknown";
            }
            try (InputStream in = jar.getInputStream(e)) {
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version", "unknown");
            }
        }
    }
}
