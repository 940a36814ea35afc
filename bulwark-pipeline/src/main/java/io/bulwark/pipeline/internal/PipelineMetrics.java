package io.bulwark.pipeline.internal;

import io.bulwark.pipeline.StepStatus;
import io.bulwark.pipeline.store.RunPhase;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The executor's meters, by pipeline id (a bounded label: pipelines are registered by people):
 * {@code bulwark_pipeline_runs_started_total}, {@code bulwark_pipeline_runs_total{state}} and
 * {@code bulwark_pipeline_run_duration_seconds{state}} when a run ends,
 * {@code bulwark_pipeline_steps_total{state}} and {@code bulwark_pipeline_step_duration_seconds}
 * when a step instance ends. Registered on first use and kept.
 */
public final class PipelineMetrics {

    private final MeterRegistry meters;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    public PipelineMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    /** A run of {@code pipeline} started. */
    public void started(String pipeline) {
        counter("bulwark_pipeline_runs_started_total", "Pipeline runs started", pipeline, null).increment();
    }

    /** A run of {@code pipeline} ended in {@code phase}, {@code createdAt} to {@code at}. */
    public void finished(String pipeline, RunPhase phase, Instant createdAt, Instant at) {
        counter("bulwark_pipeline_runs_total", "Pipeline runs ended, by state", pipeline, phase.id()).increment();
        timer("bulwark_pipeline_run_duration_seconds", "From a run's start to its end", pipeline, phase.id())
                .record(between(createdAt, at));
    }

    /** A step instance of {@code pipeline} ended in {@code status}, {@code startedAt} to {@code at}. */
    public void step(String pipeline, StepStatus status, Instant startedAt, Instant at) {
        String state = status.name().toLowerCase(Locale.ROOT);
        counter("bulwark_pipeline_steps_total", "Step instances ended, by state", pipeline, state).increment();
        if (status == StepStatus.COMPLETED || status == StepStatus.FAILED) {
            timer("bulwark_pipeline_step_duration_seconds", "From a step's start (its job enqueued) to its end", pipeline,
                    state).record(between(startedAt, at));
        }
    }

    private Counter counter(String name, String description, String pipeline, String state) {
        return counters.computeIfAbsent(name + '\n' + pipeline + '\n' + state, k -> {
            Counter.Builder b = Counter.builder(name).description(description).tag("pipeline", pipeline);
            return (state == null ? b : b.tag("state", state)).register(meters);
        });
    }

    private Timer timer(String name, String description, String pipeline, String state) {
        return timers.computeIfAbsent(name + '\n' + pipeline + '\n' + state, k -> Timer.builder(name).description(description)
                .tag("pipeline", pipeline).tag("state", state).publishPercentileHistogram().register(meters));
    }

    private static Duration between(Instant from, Instant to) {
        return from == null || to == null || to.isBefore(from) ? Duration.ZERO : Duration.between(from, to);
    }
}
