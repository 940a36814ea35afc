package io.bulwark.jobs.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;

/**
 * The job engine's meters. Labels are queue and type only: both are bounded (queues are
 * configured, types are registered handlers; an unknown type is counted as "unknown").
 */
public final class JobMetrics {

    private final MeterRegistry meters;

    public JobMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    public void count(String what, String queue, String type) {
        Counter.builder("bulwark.jobs." + what).tag("queue", queue).tag("type", type)
                .description("Jobs " + what + ", by queue and type").register(meters).increment();
    }

    public void rescued(String queue, int n) {
        Counter.builder("bulwark.jobs.rescued").tag("queue", queue)
                .description("Running jobs whose lease expired and that were made available again or dead")
                .register(meters).increment(n);
    }

    public void runDuration(String queue, String type, Duration d) {
        Timer.builder("bulwark.jobs.run.duration").tag("queue", queue).tag("type", type)
                .description("How long attempts ran").publishPercentileHistogram().register(meters).record(d);
    }

    public void queueWait(String queue, Duration d) {
        Timer.builder("bulwark.jobs.queue.wait").tag("queue", queue)
                .description("From when a job could run to when an attempt started").publishPercentileHistogram()
                .register(meters).record(d.isNegative() ? Duration.ZERO : d);
    }
}
