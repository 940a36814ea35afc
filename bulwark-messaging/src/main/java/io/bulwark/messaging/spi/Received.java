package io.bulwark.messaging.spi;

import io.bulwark.messaging.Delivery;

/**
 * A delivery as a broker fetched it: what the handler sees, and the broker's own handle on it
 * (a stream entry id, a delivery tag, a receipt handle) for acknowledging it.
 *
 * @param delivery what the handler receives
 * @param handle the broker's reference
 */
public record Received(Delivery delivery, Object handle) {
}
