package io.bulwark.deploy.image;

import com.google.cloud.tools.jib.api.CacheDirectoryCreationException;
import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.DockerDaemonImage;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.api.RegistryException;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FileEntry;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import com.google.cloud.tools.jib.api.buildplan.Port;
import com.google.cloud.tools.jib.event.events.ProgressEvent;
import com.google.cloud.tools.jib.frontend.CredentialRetrieverFactory;
import io.bulwark.deploy.image.internal.BaseTarball;
import io.bulwark.deploy.image.internal.JibFailures;
import io.bulwark.deploy.image.internal.Launcher;
import io.bulwark.deploy.internal.DockerFiles;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.DoubleAccumulator;
import java.util.stream.Stream;

/**
 * Builds the container image of a {@link Distribution} with Jib: no Docker daemon and no
 * Dockerfile, so it runs on a build machine or in CI without Docker.
 *
 * <pre>{@code
 * ImageResult r = ImageBuild.build(settings, Distribution.at(home), ImageTarget.tarball(out), executor, listener);
 * }</pre>
 *
 * <p>The image, on top of the base's layers: {@code dependencies} (third-party jars in
 * {@code /opt/bulwark/lib}), {@code launcher} ({@code /usr/local/bin/bulwark} and the data
 * directory {@code /var/lib/bulwark}, owned by 10001) and {@code application} ({@code bulwark.jar}
 * and Bulwark's own jars). Jib writes layers reproducibly (fixed times, sorted entries), so
 * rebuilding after a code change replaces only the {@code application} layer. The configuration
 * matches the Dockerfile target's final stage: user {@code 10001:10001}, entrypoint the launcher,
 * command {@code serve} on the port, {@code JAVA_TOOL_OPTIONS} sizing the heap at 70% of the
 * container's memory limit, {@code BULWARK_PROFILE=prod}, the data directory as volume and working
 * directory, and OCI and {@code app.kubernetes.io} labels. It has no {@code HEALTHCHECK}: Jib
 * cannot write one (its image configuration only inherits the base's), so the orchestrator's
 * probes check health; see {@link Launcher} for class-data sharing.
 *
 * <p>Jib runs its steps on the executor given (it blocks on tasks it submits there: give it an
 * unbounded pool, such as a cached or virtual-thread one).
 */
public final class ImageBuild {

    /** Where the distribution goes. */
    public static final String INSTALL_DIR = "/opt/bulwark";
    /** The data directory: a volume, the working directory, and {@code HOME}. */
    public static final String DATA_DIR = "/var/lib/bulwark";
    /** The user and group the image runs as, as the Dockerfile and the manifests have it. */
    public static final String USER = "10001:10001";

    private ImageBuild() {
    }

    /**
     * Builds the image and writes it to {@code target}. Nothing is left half-written: a tarball
     * goes to a temporary file beside its destination and is moved there when complete.
     *
     * @throws IllegalArgumentException bad input, before anything is built: the tarball cannot be
     *                                  written, the base tarball cannot be read, the cache cannot be created
     * @throws ImageBuildException      the build failed (registry or daemon unreachable or refusing, ...)
     * @throws InterruptedException     when interrupted; the temporary file is removed
     */
    public static ImageResult build(ImageSettings settings, Distribution distribution, ImageTarget target,
                                    ExecutorService executor, ImageBuildListener listener)
            throws ImageBuildException, InterruptedException {
        BaseImage base = settings.base();
        List<String> baseTags = base.source() == BaseImage.Source.TARBALL ? BaseTarball.repoTags(base.tarball())
                : List.of(base.reference());
        Path tmp = target instanceof ImageTarget.Tarball t ? reserve(t.file()) : null;
        Path scratch = null;
        try {
            scratch = Files.createTempDirectory("bulwark-image");
            List<FileEntriesLayer> layers = layers(distribution, scratch);
            JibContainerBuilder image = from(base, listener)
                    .setFileEntriesLayers(layers)
                    .setEntrypoint(Launcher.PATH)
                    .setProgramArguments("serve", "--host", "0.0.0.0", "--port", String.valueOf(settings.port()),
                            "--data-dir", DATA_DIR)
                    .setEnvironment(environment())
                    .setExposedPorts(Port.tcp(settings.port()))
                    .setLabels(labels(settings, distribution, baseTags))
                    .setUser(USER)
                    .setWorkingDirectory(AbsoluteUnixPath.get(DATA_DIR))
                    .setVolumes(AbsoluteUnixPath.get(DATA_DIR))
                    .setFormat(ImageFormat.Docker);
            Containerizer containerizer = containerizer(settings, target, tmp, distribution.version(), executor, listener);
            JibContainer built;
            try {
                built = image.containerize(containerizer);
            } catch (RegistryException | ExecutionException | IOException | RuntimeException e) {
                throw new ImageBuildException(JibFailures.describe(e, base, target instanceof ImageTarget.Daemon), e);
            } catch (CacheDirectoryCreationException e) {
                throw new IllegalArgumentException("cacheDir " + settings.cacheDir() + " cannot be created: "
                        + e.getCause(), e);
            }
            Path written = null;
            if (target instanceof ImageTarget.Tarball t) {
                written = moveIntoPlace(tmp, t.file());
                tmp = null;
            }
            return new ImageResult(settings.image(), built.getImageId().toString(), built.getDigest().toString(), written,
                    layers.stream().map(ImageBuild::describe).toList());
        } catch (IOException e) {
            throw new ImageBuildException("the image build failed: " + e.getMessage(), e);
        } finally {
            deleteQuietly(tmp);
            deleteTree(scratch);
        }
    }

    /** The layers added to the base, bottom first. */
    static List<FileEntriesLayer> layers(Distribution d, Path scratch) throws IOException {
        AbsoluteUnixPath lib = AbsoluteUnixPath.get(INSTALL_DIR + "/lib");
        FileEntriesLayer.Builder dependencies = FileEntriesLayer.builder().setName("dependencies");
        d.dependencies().forEach(p -> dependencies.addEntry(p, lib.resolve(p.getFileName().toString())));

        Path script = Files.writeString(scratch.resolve("bulwark"), Launcher.script(INSTALL_DIR));
        Path emptyDir = Files.createDirectories(scratch.resolve("data"));
        FileEntriesLayer launcher = FileEntriesLayer.builder().setName("launcher")
                .addEntry(script, AbsoluteUnixPath.get(Launcher.PATH), FilePermissions.fromOctalString("755"))
                .addEntry(new FileEntry(emptyDir, AbsoluteUnixPath.get(DATA_DIR), FilePermissions.fromOctalString("755"),
                        FileEntriesLayer.DEFAULT_MODIFICATION_TIME, USER))
                .build();

        FileEntriesLayer.Builder application = FileEntriesLayer.builder().setName("application");
        for (Path p : d.application()) {
            String name = p.getFileName().toString();
            application.addEntry(p, name.equals(Distribution.LAUNCHER_JAR)
                    ? AbsoluteUnixPath.get(INSTALL_DIR).resolve(name) : lib.resolve(name));
        }
        return List.of(dependencies.build(), launcher, application.build());
    }

    /** As the Dockerfile's final stage; HOME for a user without a passwd entry (JDK 19+ reads it then). */
    static Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("JAVA_TOOL_OPTIONS", DockerFiles.JAVA_TOOL_OPTIONS);
        env.put("BULWARK_PROFILE", "prod");
        env.put("HOME", DATA_DIR);
        return env;
    }

    static Map<String, String> labels(ImageSettings s, Distribution d, List<String> baseTags) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("org.opencontainers.image.title", s.name());
        labels.put("org.opencontainers.image.version", d.version());
        labels.put("org.opencontainers.image.description", "Bulwark " + d.version() + ": bulwark serve on port "
                + s.port() + ", built by bulwark deploy image");
        if (!baseTags.isEmpty()) {
            labels.put("org.opencontainers.image.base.name", baseTags.getFirst());
        }
        labels.put("app.kubernetes.io/name", "bulwark");
        labels.put("app.kubernetes.io/version", d.version());
        labels.put("app.kubernetes.io/part-of", s.name());
        return labels;
    }

    private static JibContainerBuilder from(BaseImage base, ImageBuildListener listener) {
        try {
            return switch (base.source()) {
                case TARBALL -> Jib.from(TarImage.at(base.tarball()));
                case DOCKER_DAEMON -> Jib.from(DockerDaemonImage.named(base.reference()));
                case REGISTRY -> {
                    ImageReference ref = ImageReference.parse(base.reference());
                    // Credentials as docker pull finds them: ~/.docker/config.json and its credential helpers.
                    CredentialRetrieverFactory credentials = CredentialRetrieverFactory.forImage(ref, e -> warn(listener, e));
                    yield Jib.from(RegistryImage.named(ref).addCredentialRetriever(credentials.dockerConfig()));
                }
            };
        } catch (InvalidImageReferenceException e) {
            throw new IllegalArgumentException("base: " + e.getMessage(), e);
        }
    }

    private static Containerizer containerizer(ImageSettings s, ImageTarget target, Path tmp, String version,
                                               ExecutorService executor, ImageBuildListener listener) {
        Containerizer c;
        try {
            c = target instanceof ImageTarget.Tarball ? Containerizer.to(TarImage.at(tmp).named(s.image()))
                    : Containerizer.to(DockerDaemonImage.named(s.image()));
        } catch (InvalidImageReferenceException e) {
            throw new IllegalArgumentException("image: " + e.getMessage(), e);
        }
        DoubleAccumulator done = new DoubleAccumulator(Double::sum, 0);
        c.setExecutorService(executor).setToolName("bulwark-deploy-image").setToolVersion(version)
                .addEventHandler(LogEvent.class, e -> warn(listener, e))
                .addEventHandler(ProgressEvent.class, e -> {
                    done.accumulate(e.getUnits() * e.getAllocation().getFractionOfRoot() / e.getAllocation().getAllocationUnits());
                    listener.progress(Math.min(1, done.get()));
                });
        if (s.cacheDir() != null) {
            try {
                c.setBaseImageLayersCache(Files.createDirectories(s.cacheDir().resolve("base-layers")))
                        .setApplicationLayersCache(Files.createDirectories(s.cacheDir().resolve("application-layers")));
            } catch (IOException e) {
                throw new IllegalArgumentException("cacheDir " + s.cacheDir() + " cannot be created: " + e, e);
            }
        }
        return c;
    }

    /** Jib's warnings, without its terminal colours; its errors end in the exception the build throws. */
    private static void warn(ImageBuildListener listener, LogEvent e) {
        if (e.getLevel() == LogEvent.Level.WARN) {
            listener.warning(e.getMessage().replaceAll("\u001B\\[[0-9;]*m", "").strip());
        }
    }

    /** A temporary file beside {@code out}, so the final move is a rename on the same file system. */
    private static Path reserve(Path out) {
        Path file = out.toAbsolutePath().normalize();
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException("out " + out + " is a directory: name the tarball, e.g. " + out.resolve("bulwark.tar"));
        }
        try {
            Files.createDirectories(file.getParent());
            return Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
        } catch (IOException e) {
            throw new IllegalArgumentException("out " + out + " cannot be written: " + e, e);
        }
    }

    private static Path moveIntoPlace(Path tmp, Path out) throws IOException {
        // A temporary file is created readable by its owner only; an image tarball is not a secret.
        if (Files.getFileStore(tmp).supportsFileAttributeView(PosixFileAttributeView.class)) {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
        }
        try {
            return Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            return Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static ImageResult.Layer describe(FileEntriesLayer layer) {
        long bytes = 0;
        for (FileEntry e : layer.getEntries()) {
            try {
                bytes += Files.isRegularFile(e.getSourceFile()) ? Files.size(e.getSourceFile()) : 0;
            } catch (IOException ignored) {
                // Sizes are for the report only; the layer was built from the file just now.
            }
        }
        return new ImageResult.Layer(layer.getName(), layer.getEntries().size(), bytes);
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // A leftover temporary file beside the output is harmless; it is named .<out>*.tmp.
            }
        }
    }

    private static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(ImageBuild::deleteQuietly);
        } catch (IOException ignored) {
            // The scratch directory holds two small files under the system temp directory.
        }
    }
}
