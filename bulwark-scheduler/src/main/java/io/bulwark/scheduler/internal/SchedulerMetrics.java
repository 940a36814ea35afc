package io.bulwark.scheduler.internal;

import io.bulwark.scheduler.FiringState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The scheduler's meters: {@code bulwark_scheduler_firings_total{schedule,state}} (a misfired
 * record counts each tick it stands for) and {@code bulwark_scheduler_lag_seconds{schedule}},
 * from a tick to the start of its run. Meters are registered on first use and kept (a
 * schedule's name is a bounded label: schedules are few and named by people).
 */
public final class SchedulerMetrics {

    private final MeterRegistry meters;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    public SchedulerMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    /** Counts {@code count} ticks of {@code schedule} that ended in {@code state}. */
    public void firings(String schedule, FiringState state, long count) {
        counters.computeIfAbsent(schedule + '\n' + state.id(), k -> Counter.builder("bulwark_scheduler_firings_total")
                .description("Ticks of each schedule by what became of them: fired, triggered, queued, skipped, misfired")
                .tag("schedule", schedule).tag("state", state.id()).register(meters)).increment(count);
    }

    /** Records how long after its tick a run of {@code schedule} was started. */
    public void lag(String schedule, Duration lag) {
        timers.computeIfAbsent(schedule, k -> Timer.builder("bulwark_scheduler_lag_seconds")
                .description("From a tick to the start of its run (job enqueued)").tag("schedule", schedule)
                .publishPercentileHistogram().register(meters)).record(lag);
    }
}
