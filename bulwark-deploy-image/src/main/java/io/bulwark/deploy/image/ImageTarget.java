package io.bulwark.deploy.image;

import java.nio.file.Path;
import java.util.Objects;

/** Where {@code deploy image} puts the image: a tarball for {@code docker load}, or the local Docker daemon. */
public sealed interface ImageTarget {

    /** A {@code docker load} tarball at {@code file}, written beside it first and moved into place when complete. */
    static ImageTarget tarball(Path file) {
        return new Tarball(file);
    }

    /** The local Docker daemon, through the {@code docker} CLI ({@code docker load}). */
    static ImageTarget daemon() {
        return new Daemon();
    }

    /** @param file where the tarball goes */
    record Tarball(Path file) implements ImageTarget {
        public Tarball {
            Objects.requireNonNull(file, "file must be set");
        }
    }

    /** The local Docker daemon. */
    record Daemon() implements ImageTarget {
    }
}
