package io.bulwark.deploy.image;

import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import io.bulwark.deploy.internal.DockerFiles;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The image {@code deploy image} builds on: a registry reference ({@code eclipse-temurin:25-jre},
 * the default), a tarball written by {@code docker save} ({@code tar:/path/to/image.tar}), or an
 * image in the local Docker daemon ({@code docker://name:tag}).
 *
 * @param source    where the image comes from
 * @param reference the image reference; for a tarball, its path as given
 * @param tarball   the tarball for {@link Source#TARBALL}, otherwise null
 */
public record BaseImage(Source source, String reference, Path tarball) {

    /** The default base: Eclipse Temurin's JRE 25, as the Dockerfile target uses. */
    public static final String DEFAULT = DockerFiles.BASE;

    /** Where a base image comes from. */
    public enum Source {
        /** A registry (Docker Hub by default), pulled by Jib over HTTPS. */
        REGISTRY,
        /** A {@code docker save} tarball on disk. */
        TARBALL,
        /** The local Docker daemon, read with {@code docker save} (needs the docker CLI and a daemon). */
        DOCKER_DAEMON
    }

    public BaseImage {
        Objects.requireNonNull(source, "source must be set");
        Objects.requireNonNull(reference, "reference must be set");
        if ((source == Source.TARBALL) != (tarball != null)) {
            throw new IllegalArgumentException("tarball must be set for a TARBALL base and only for it");
        }
    }

    /** {@link #DEFAULT}. */
    public static BaseImage defaults() {
        return parse(DEFAULT);
    }

    /**
     * Parses {@code tar:PATH} (also Jib's {@code tar://PATH}), {@code docker://REF},
     * {@code registry://REF} or a plain registry reference.
     *
     * @throws IllegalArgumentException naming the accepted forms and the bad value
     */
    public static BaseImage parse(String text) {
        Objects.requireNonNull(text, "base must be set");
        if (text.startsWith("tar:")) {
            String path = text.substring("tar:".length());
            path = path.startsWith("//") ? path.substring(2) : path;
            if (path.isBlank()) {
                throw bad(text);
            }
            return new BaseImage(Source.TARBALL, path, Path.of(path));
        }
        if (text.startsWith("docker://")) {
            return new BaseImage(Source.DOCKER_DAEMON, reference(text, text.substring("docker://".length())), null);
        }
        String ref = text.startsWith("registry://") ? text.substring("registry://".length()) : text;
        return new BaseImage(Source.REGISTRY, reference(text, ref), null);
    }

    private static String reference(String text, String ref) {
        try {
            ImageReference.parse(ref);
            return ref;
        } catch (InvalidImageReferenceException e) {
            throw bad(text);
        }
    }

    private static IllegalArgumentException bad(String text) {
        return new IllegalArgumentException("base must be an image reference such as " + DEFAULT
                + ", tar:/path/to/image.tar (from docker save) or docker://name:tag, but was '" + text + "'");
    }

    @Override
    public String toString() {
        return switch (source) {
            case REGISTRY -> reference;
            case TARBALL -> "tar:" + reference;
            case DOCKER_DAEMON -> "docker://" + reference;
        };
    }
}
