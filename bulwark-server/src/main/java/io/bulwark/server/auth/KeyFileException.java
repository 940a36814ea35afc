package io.bulwark.server.auth;

import java.nio.file.Path;

/**
 * {@code keys.json} exists but cannot be read or parsed. The server fails closed on it: it
 * refuses to start, and while running it answers requests that need a key with 503.
 */
public final class KeyFileException extends RuntimeException {

    private final Path file;
    private final String reason;

    public KeyFileException(Path file, String reason, Throwable cause) {
        super("cannot read the API keys in " + file + ": " + reason, cause);
        this.file = file;
        this.reason = reason;
    }

    /** The key file. */
    public Path file() {
        return file;
    }

    /** What is wrong with it, without its path: safe to show to a client. */
    public String reason() {
        return reason;
    }
}
