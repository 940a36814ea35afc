package io.bulwark.messaging.spi;

import io.bulwark.messaging.Delivery;

/**
 * A delivery as a broker fetched it: what the handler sees, and the broker's own handle on it
 * (a stream entry id, a delivery tag, a receipt handle) for acknowledging it.
 *
 * <p>Each one is a delivery of its own, equal only to itself: the consumer keys its running
 * handlers and unsettled acknowledgements by it. Equality by value would hash the message's
 * headers and the broker's properties on every delivery (a cost per message the consumer paid
 * twice), and would take two deliveries of one message with equal contents for one.
 *
 * @param delivery what the handler receives
 * @param handle the broker's reference
 */
public record Received(Delivery delivery, Object handle) {

    /** The same delivery only: see the class notes. */
    @Override
    public boolean equals(Object other) {
        return this == other;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
