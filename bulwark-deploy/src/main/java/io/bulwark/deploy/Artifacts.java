package io.bulwark.deploy;

import io.bulwark.deploy.internal.ComposeFiles;
import io.bulwark.deploy.internal.DockerFiles;
import io.bulwark.deploy.internal.GrafanaFiles;
import io.bulwark.deploy.internal.HelmFiles;
import io.bulwark.deploy.internal.IstioFiles;
import io.bulwark.deploy.internal.KubernetesFiles;
import io.bulwark.deploy.internal.PrometheusFiles;
import io.bulwark.deploy.internal.RunbookFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Generates artifacts and writes them. Writing is all or nothing: every file goes to a temporary
 * directory beside the output first, and only when all are written are they moved into place, so
 * a full disk or a bad path leaves the output as it was.
 *
 * <pre>{@code
 * List<Artifact> files = Artifacts.generate(settings, Target.parse("prometheus,runbooks"));
 * Artifacts.write(Path.of("deploy"), files);
 * }</pre>
 */
public final class Artifacts {

    private Artifacts() {
    }

    /** Every file of the given targets, in target order; {@link Target#ISTIO} brings {@link Target#KUBERNETES}, its base. */
    public static List<Artifact> generate(DeploySettings settings, Set<Target> targets) {
        List<Artifact> out = new ArrayList<>();
        Set<Target> all = targets.isEmpty() ? EnumSet.noneOf(Target.class) : EnumSet.copyOf(targets);
        if (all.contains(Target.ISTIO)) {
            all.add(Target.KUBERNETES);
        }
        for (Target t : all) {
            out.addAll(switch (t) {
                case PROMETHEUS -> PrometheusFiles.generate(settings);
                case GRAFANA -> GrafanaFiles.generate(settings);
                case RUNBOOKS -> RunbookFiles.generate(settings);
                case KUBERNETES -> KubernetesFiles.generate(settings);
                case ISTIO -> IstioFiles.generate(settings);
                case HELM -> HelmFiles.generate(settings);
                case COMPOSE -> ComposeFiles.generate(settings);
                case DOCKER -> DockerFiles.generate(settings);
            });
        }
        return out;
    }

    /**
     * Writes {@code files} under {@code out} (created when missing), replacing files of the same
     * name and leaving others alone.
     *
     * @throws IOException naming the path that could not be written; a failure while writing the files
     *                     leaves {@code out} as it was (the temporary directory is removed)
     */
    public static void write(Path out, List<Artifact> files) throws IOException {
        Path target = out.toAbsolutePath().normalize();
        if (Files.exists(target) && !Files.isDirectory(target)) {
            throw new FileAlreadyExistsException(target.toString(), null, "is a file, not a directory");
        }
        Path parent = target.getParent();
        Files.createDirectories(parent);
        Path staging = Files.createTempDirectory(parent, "." + target.getFileName() + ".writing-");
        try {
            for (Artifact a : files) {
                Path p = staging.resolve(a.path());
                Files.createDirectories(p.getParent());
                Files.writeString(p, a.content(), StandardCharsets.UTF_8);
            }
            if (!Files.exists(target)) {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
                return;
            }
            for (Artifact a : files) {
                Path to = target.resolve(a.path());
                Files.createDirectories(to.getParent());
                try {
                    Files.move(staging.resolve(a.path()), to, StandardCopyOption.REPLACE_EXISTING,
                            StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(staging.resolve(a.path()), to, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } finally {
            deleteTree(staging);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
