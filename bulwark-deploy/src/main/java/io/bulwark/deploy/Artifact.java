package io.bulwark.deploy;

import java.util.Objects;

/**
 * One generated file.
 *
 * @param path    relative, with {@code /} separators, e.g. {@code prometheus/rules/bulwark-alerts.yml}
 * @param content the file's text (UTF-8 when written)
 */
public record Artifact(String path, String content) {

    public Artifact {
        Objects.requireNonNull(path, "path must be set");
        Objects.requireNonNull(content, "content must be set");
        if (path.isEmpty() || path.startsWith("/") || path.contains("..") || path.contains("\\")) {
            throw new IllegalArgumentException("path must be relative without '..' but was '" + path + "'");
        }
    }
}
