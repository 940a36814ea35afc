package io.bulwark.deploy.image;

import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import io.bulwark.deploy.DeploySettings;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What {@code deploy image} builds: the image's name, its base, the port {@code bulwark serve}
 * listens on (exposed, and in the default command), and where Jib caches layers.
 *
 * @param name     the application, as {@code deploy generate --name}: the image's title and
 *                 {@code app.kubernetes.io/part-of} label (a DNS label)
 * @param image    the image's reference, {@code REPO:TAG}: the tag a tarball loads as
 * @param base     the image to build on
 * @param port     {@code server.port}: exposed, and passed to {@code serve} in the default command
 * @param cacheDir where Jib caches base and application layers, or null for Jib's defaults
 *                 ({@code $XDG_CACHE_HOME/google-cloud-tools-java/jib} and
 *                 {@code $TMPDIR/jib-core-application-layers-cache})
 */
public record ImageSettings(String name, String image, BaseImage base, int port, Path cacheDir) {

    public ImageSettings {
        Objects.requireNonNull(name, "name must be set");
        if (!DeploySettings.NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name must be a DNS label (lower-case letters, digits and '-', at most "
                    + "63, starting and ending with a letter or digit) but was '" + name + "'");
        }
        Objects.requireNonNull(image, "image must be set");
        try {
            if (ImageReference.parse(image).isScratch()) {
                throw new InvalidImageReferenceException(image);
            }
        } catch (InvalidImageReferenceException e) {
            throw new IllegalArgumentException("image must be an image reference such as "
                    + "registry.example.com/shop/bulwark:1.4.2 but was '" + image + "'");
        }
        Objects.requireNonNull(base, "base must be set");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be between 1 and 65535 but was " + port);
        }
    }

    /** Defaults: name {@code bulwark}, image {@code bulwark:latest}, base {@link BaseImage#DEFAULT}, port 8080. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link ImageSettings}; every value is checked when {@link #build()} runs. */
    public static final class Builder {
        private String name = "bulwark";
        private String image = "bulwark:latest";
        private BaseImage base = BaseImage.defaults();
        private int port = 8080;
        private Path cacheDir;

        private Builder() {
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public Builder image(String image) {
            this.image = image;
            return this;
        }

        public Builder base(BaseImage base) {
            this.base = base;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Null (the default) for Jib's own cache directories. */
        public Builder cacheDir(Path cacheDir) {
            this.cacheDir = cacheDir;
            return this;
        }

        public ImageSettings build() {
            return new ImageSettings(name, image, base, port, cacheDir);
        }
    }
}
