package io.bulwark.server.internal.events;

import io.bulwark.core.events.EventLog;
import io.bulwark.core.events.Severity;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Dead-letter growth as events: every check compares this node's {@code bulwark.jobs.dead} counters
 * with the last check and publishes one {@code jobs.dead} event per queue that grew, with how many.
 * A burst of deaths is one event per check, not one per job.
 */
final class DeadJobWatch {

    private final MeterRegistry meters;
    private final EventLog events;
    private final Map<String, Double> seen = new HashMap<>();
    private boolean first = true;

    DeadJobWatch(MeterRegistry meters, EventLog events) {
        this.meters = meters;
        this.events = events;
    }

    /** One check; the first only takes the counts as they are (deaths before the start are not news). */
    void check() {
        Map<String, Double> now = new TreeMap<>();
        for (Counter c : meters.find("bulwark.jobs.dead").counters()) {
            now.merge(c.getId().getTag("queue"), c.count(), Double::sum);
        }
        if (!first) {
            now.forEach((queue, count) -> {
                long grew = Math.round(count - seen.getOrDefault(queue, 0.0));
                if (grew > 0) {
                    events.publish("jobs.dead", Severity.WARNING, queue, grew + " job(s) of queue " + queue
                            + " used all their attempts and went dead; see 'bulwark dlq list " + queue + "'",
                            Map.of("queue", queue, "severity", "warning"), "BulwarkDeadJobs", false);
                }
            });
        }
        first = false;
        seen.clear();
        seen.putAll(now);
    }
}
