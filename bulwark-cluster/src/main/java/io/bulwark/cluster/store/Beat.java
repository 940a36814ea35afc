package io.bulwark.cluster.store;

import java.time.Instant;

/**
 * What a heartbeat learned.
 *
 * @param at the store's time of the heartbeat
 * @param known false when the store holds no live row for the node: it was declared dead (its
 *              jobs were rescued) or removed; the node must {@link ClusterStore#register} again
 * @param drainRequested whether someone asked the node to drain
 */
public record Beat(Instant at, boolean known, boolean drainRequested) {
}
