package io.bulwark.bench.soak;

import java.util.Map;

/**
 * One row of the soak: the interval that ended {@code seconds} after the open-loop load began.
 *
 * @param seconds end of the interval, from the start of the load
 * @param intervalSeconds its length
 * @param warmup true while the warm-up lasted: excluded from growth figures
 * @param maxDispatchLagMs the longest a request waited past its due time before it was sent
 *                         (the harness's own lateness: near zero when it keeps up)
 * @param resources the server's resources at the end of the interval
 * @param all every request of the interval
 * @param kinds the same per {@link RequestKind#label()}, in the mix's order
 */
record Sample(double seconds, double intervalSeconds, boolean warmup, double maxDispatchLagMs, Resources resources,
              LatencyStats all, Map<String, LatencyStats> kinds) {
}
