package io.bulwark.providers;

import io.bulwark.core.validation.Problems;
import io.bulwark.providers.queue.QueueConfig;

import java.time.Duration;

/**
 * A provider group's request queue as written in config or sent over the API.
 *
 * <pre>{@code
 * "queue": {"maxSize": 1000, "maxWait": "30s", "maxPerKey": 500, "agingStep": "1s"}
 * }</pre>
 *
 * @param maxSize the most calls waiting at once (default 1000); 0 turns the queue off, so a call no
 *                provider can take now is refused at once, as before the queue existed
 * @param maxWait the longest a call waits for a provider to take it (default 30s); a caller may ask
 *                for less with {@code X-Bulwark-Queue-Timeout}
 * @param maxPerKey the most calls of one API key waiting at once (default half of {@code maxSize}),
 *                  so no single caller can fill the queue
 * @param agingStep how long a call must wait to count as one priority level higher (default 1s),
 *                  so no priority starves
 */
public record QueueSpec(Integer maxSize, String maxWait, Integer maxPerKey, String agingStep) {

    /** Every default. */
    public static QueueSpec defaults() {
        return new QueueSpec(null, null, null, null);
    }

    /** The queue's settings, with every bad field recorded in {@code problems} under {@code path}. */
    public QueueConfig resolve(Problems problems, String path) {
        int size = ProviderSpec.ranged(problems, path + ".maxSize", SpecRanges.QUEUE_MAX_SIZE, maxSize,
                QueueConfig.DEFAULT.maxSize());
        Duration wait = ProviderSpec.ranged(problems, path + ".maxWait", SpecRanges.QUEUE_MAX_WAIT, maxWait,
                QueueConfig.DEFAULT.maxWait());
        int perKey = ProviderSpec.ranged(problems, path + ".maxPerKey", SpecRanges.QUEUE_MAX_PER_KEY, maxPerKey,
                Math.max(1, size / 2));
        Duration aging = ProviderSpec.ranged(problems, path + ".agingStep", SpecRanges.QUEUE_AGING_STEP, agingStep,
                QueueConfig.DEFAULT.agingStep());
        if (size > 0 && perKey > size) {
            problems.add(path + ".maxPerKey", "must be at most maxSize (" + size + ") but was " + perKey);
        }
        return new QueueConfig(size, wait, Math.min(perKey, Math.max(size, 1)), aging);
    }
}
