package io.bulwark.deploy.image;

/**
 * The build ran and failed: the registry or the Docker daemon could not be reached, refused us,
 * or the base image could not be read. The message is one line naming what failed and where.
 * Bad input (a malformed reference, a missing tarball, an output that cannot be written) is an
 * {@link IllegalArgumentException} before anything runs.
 */
public final class ImageBuildException extends Exception {

    private static final long serialVersionUID = 1L;

    public ImageBuildException(String message, Throwable cause) {
        super(message, cause);
    }
}
