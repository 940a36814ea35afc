package io.bulwark.balancer;

/** A discovery source could not be read; the message names the source and what went wrong. */
public final class DiscoveryException extends RuntimeException {

    /** An exception with a message naming the source. */
    public DiscoveryException(String message, Throwable cause) {
        super(message, cause);
    }

    /** An exception with a message naming the source. */
    public DiscoveryException(String message) {
        super(message);
    }
}
