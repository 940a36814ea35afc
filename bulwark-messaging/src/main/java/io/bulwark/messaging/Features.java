package io.bulwark.messaging;

/**
 * What a broker does with the optional parts of a message, so callers and docs can tell, and the
 * conformance suite can check that what is promised holds.
 *
 * @param delay how a delay is honoured
 * @param priorities whether {@link Outgoing#priority()} is honoured (else it is refused)
 * @param ordering what order deliveries keep, in words (e.g. "per key" or "the topic's order, with concurrency 1")
 * @param deadLetters how dead letters are kept
 * @param maxMessageBytes the largest body (and headers) a message may have
 */
public record Features(Support delay, boolean priorities, String ordering, Support deadLetters, int maxMessageBytes) {

    /** How a feature is provided. */
    public enum Support {
        /** By the broker itself. */
        NATIVE,
        /** By Bulwark, durably, on the broker's storage. */
        EMULATED
    }
}
