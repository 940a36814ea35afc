package io.bulwark.bench.jobsdb;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How many times the harness's no-op handlers ran, whichever system ran them. The run phase
 * waits on this count before it asks the database: counting the unfinished jobs over and over
 * scanned a table of a few hundred thousand rows twice a second, which cost PostgreSQL CPU that
 * the run was charged for and held back the oldest snapshot, so dead index entries could not be
 * skipped cheaply.
 */
final class HandlerRuns {

    static final AtomicLong COUNT = new AtomicLong();

    private HandlerRuns() {
    }

    /** Called by every handler. */
    static void ran() {
        COUNT.incrementAndGet();
    }
}
