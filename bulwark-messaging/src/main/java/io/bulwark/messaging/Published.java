package io.bulwark.messaging;

import java.time.Instant;

/**
 * A message the broker has accepted (durably, as far as the broker promises: see each broker's docs).
 *
 * @param id the message's id, which every delivery of it carries
 * @param topic where it went
 * @param deliverAt when it may first be delivered (later than now for a delayed message)
 */
public record Published(String id, String topic, Instant deliverAt) {
}
