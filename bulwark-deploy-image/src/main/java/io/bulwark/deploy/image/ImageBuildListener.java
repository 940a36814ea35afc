package io.bulwark.deploy.image;

/** What a build reports while it runs; called from Jib's threads. */
public interface ImageBuildListener {

    /** Reports nothing. */
    ImageBuildListener NONE = new ImageBuildListener() {
    };

    /** The share of the build done so far, from 0 to 1; it only grows. */
    default void progress(double fraction) {
    }

    /** A warning of Jib's, e.g. a base image named by a tag rather than a digest. */
    default void warning(String message) {
    }
}
