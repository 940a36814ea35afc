package io.bulwark.cluster;

import java.util.List;

/**
 * What a node reports at each heartbeat.
 *
 * @param inFlight attempts running on it now
 * @param queues the queues it serves now (empty: all)
 * @param draining whether it stopped claiming to leave
 */
public record NodeLoad(int inFlight, List<String> queues, boolean draining) {

    public static final NodeLoad IDLE = new NodeLoad(0, List.of(), false);

    public NodeLoad {
        queues = List.copyOf(queues);
    }
}
