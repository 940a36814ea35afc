package io.bulwark.jobs;

import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * What a handler sees of the job it runs.
 *
 * @param <P> the payload type
 */
public final class JobContext<P> {

    private final Job job;
    private final P payload;
    private final BooleanSupplier stopRequested;

    public JobContext(Job job, P payload, BooleanSupplier stopRequested) {
        this.job = job;
        this.payload = payload;
        this.stopRequested = stopRequested;
    }

    /** The bound payload. */
    public P payload() {
        return payload;
    }

    /** The job as claimed (state running, this attempt counted). */
    public Job job() {
        return job;
    }

    public UUID id() {
        return job.id();
    }

    /** This attempt's number, from 1. */
    public int attempt() {
        return job.attempt();
    }

    /**
     * True once the attempt should stop: the job was cancelled, timed out, lost its lease or the
     * worker is draining. Handlers that loop should check it; blocking calls also get an interrupt.
     */
    public boolean isCancelled() {
        return stopRequested.getAsBoolean();
    }
}
