package io.bulwark.server.internal.pipelines;

import io.bulwark.pipeline.store.PipelineRun;
import io.bulwark.pipeline.store.PipelineStore;
import io.bulwark.pipeline.store.RunPhase;
import io.bulwark.pipeline.store.RunQuery;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.UUID;

/**
 * How many runs are running, for the {@code bulwark_pipeline_runs_current{state="running"}} gauge and the
 * health check: counted from the store a page at a time, at most once a second, so a scrape and a
 * health check cost one count.
 */
final class RunningRuns {

    private static final Duration FRESH = Duration.ofSeconds(1);
    private static final int PAGE = 1000;

    private record Snapshot(Instant at, long count) {
    }

    private final PipelineStore store;
    private final InstantSource clock;
    private volatile Snapshot last;

    RunningRuns(PipelineStore store, InstantSource clock) {
        this.store = store;
        this.clock = clock;
    }

    /** The count, at most a second old; NaN when the store fails. */
    double get() {
        try {
            Snapshot s = last;
            return s != null && Duration.between(s.at(), clock.instant()).compareTo(FRESH) < 0 ? s.count() : refresh();
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    /** Counts now. */
    long refresh() {
        long n = 0;
        UUID before = null;
        List<PipelineRun> page;
        do {
            page = store.runs(new RunQuery(null, RunPhase.RUNNING, before, PAGE));
            n += page.size();
            before = page.isEmpty() ? null : page.getLast().id();
        } while (page.size() == PAGE);
        last = new Snapshot(clock.instant(), n);
        return n;
    }
}
