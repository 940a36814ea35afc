package io.bulwark.deploy.image;

import java.nio.file.Path;
import java.util.List;

/**
 * A built image.
 *
 * @param image   its reference, {@code REPO:TAG}
 * @param imageId the digest of its configuration: what {@code docker images} shows
 * @param digest  the digest of its manifest
 * @param tarball the tarball written, or null when the image went to the Docker daemon
 * @param layers  the layers added to the base, bottom first
 */
public record ImageResult(String image, String imageId, String digest, Path tarball, List<Layer> layers) {

    public ImageResult {
        layers = List.copyOf(layers);
    }

    /**
     * One layer added to the base.
     *
     * @param name  {@code dependencies}, {@code launcher} or {@code application}
     * @param files the files in it
     * @param bytes their size before compression
     */
    public record Layer(String name, int files, long bytes) {
    }
}
