package io.bulwark.core.config;

/**
 * A {@link SecretResolver} could not read a secret now: the store refused, did not answer, or has
 * no such secret. The message says why in words a person can act on, and never holds the secret
 * or a credential: it reaches logs and startup errors as it is.
 */
public final class SecretResolutionException extends RuntimeException {

    /** A failure described by {@code message}. */
    public SecretResolutionException(String message) {
        super(message);
    }

    /** A failure described by {@code message}, caused by {@code cause} (kept for debugging, not shown). */
    public SecretResolutionException(String message, Throwable cause) {
        super(message, cause);
    }
}
