package io.bulwark.providers.queue;

import java.time.Duration;
import java.util.List;

/**
 * A request queue as it is now, for the API and the CLI.
 *
 * @param depth calls waiting
 * @param oldestWait how long the longest-waiting call has waited
 * @param drainPerSecond calls admitted from the queue per second, over its last admissions
 * @param retryAfter what a refused call is told to wait
 * @param priorities one line per priority 0–9, with what has become of its calls since start
 * @param keys the callers with the most calls waiting, most first (at most 10)
 */
public record QueueSnapshot(String group, QueueConfig config, int depth, Duration oldestWait, double drainPerSecond,
                            Duration retryAfter, List<Priority> priorities, List<Key> keys) {

    /** One priority's figures; {@code waitP50}/{@code waitP99} are over the calls that left its queue. */
    public record Priority(int priority, int depth, Duration oldestWait, long admitted, long timedOut, long rejected,
                           long abandoned, Duration waitP50, Duration waitP99) {
    }

    /** One caller key's calls waiting. */
    public record Key(String key, int depth) {
    }
}
