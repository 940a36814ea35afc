package io.bulwark.test.jobs;

import io.bulwark.core.time.SettableClock;
import io.bulwark.jobs.store.JobStore;

import java.time.Duration;

/**
 * The rules every {@link JobStore} keeps (see its Javadoc), as one suite that each store's tests
 * extend: the in-memory store, the embedded SQLite store, and later PostgreSQL and MariaDB. A
 * store that passes it can stand in for any other.
 *
 * <pre>{@code
 * class SqliteJobStoreContractTest extends JobStoreContract {
 *     @TempDir Path dir;
 *
 *     @Override
 *     protected JobStore createStore(SettableClock clock, Duration agingStep) {
 *         return SqliteJobStore.open(dir, clock, SqliteOptions.builder().agingStep(agingStep).build());
 *     }
 * }
 * }</pre>
 *
 * <p>Each test gets a new store on a {@link SettableClock} that starts on a whole second and moves
 * only in whole milliseconds, so stores that keep milliseconds compare equal; nothing sleeps. The
 * tests come in groups, one file per group, inherited by this class: enqueueing (first state,
 * batches, idempotency), claiming (due times, priority and aging order, tokens), attempt outcomes,
 * leases and fencing, operator actions (cancel, retry, dead letters, prune), expiry of waiting
 * jobs, reading (get, list, counts), and the idempotency and claim rules under many threads at once.
 */
public abstract class JobStoreContract extends ConcurrencyRules {

    /**
     * A new, empty store on {@code clock}. The store must read time only from it, and order claims
     * by {@code runAt + priority × agingStep}.
     */
    @Override
    protected abstract JobStore createStore(SettableClock clock, Duration agingStep);

    /** Called after each test, once the store is closed: delete files, drop schemas. Does nothing by default. */
    @Override
    protected void cleanup() {
    }

    /** The store of the running test, for a subclass's own tests. */
    protected final JobStore store() {
        return f.store;
    }

    /** The clock of the running test's store. */
    protected final SettableClock clock() {
        return f.clock;
    }
}
