package io.bulwark.server;

/**
 * The server refuses to start because of how it was configured or where it was pointed: the
 * CLI exits with code 2 and prints the message, which says what to change.
 */
public final class StartupException extends RuntimeException {

    public StartupException(String message) {
        super(message);
    }

    public StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
