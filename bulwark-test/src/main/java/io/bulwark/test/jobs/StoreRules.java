package io.bulwark.test.jobs;

import io.bulwark.core.time.SettableClock;
import io.bulwark.jobs.store.JobStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.time.Duration;

/**
 * The root of the contract suite: opens a new store before each test and closes it after.
 *
 * <p>The rules come in groups, one file each, stacked as superclasses of {@link JobStoreContract}:
 * {@code StoreRules ← EnqueueRules ← ClaimRules ← OutcomeRules ← LeaseRules ← OperatorRules ←
 * ReadRules ← ConcurrencyRules ← JobStoreContract}. A chain rather than {@code @Nested} classes,
 * because Maven Surefire does not run {@code @Nested} classes that a test class inherits from an
 * abstract one (SUREFIRE-1880): every store's test would silently run nothing. Inherited
 * {@code @Test} methods run everywhere. A new group goes into the chain just below
 * {@link JobStoreContract}.
 */
abstract class StoreRules {

    final StoreFixture f = new StoreFixture();

    /** See {@link JobStoreContract#createStore}. */
    protected abstract JobStore createStore(SettableClock clock, Duration agingStep);

    /** See {@link JobStoreContract#cleanup}. */
    protected void cleanup() {
    }

    @BeforeEach
    void openStore() {
        f.store = createStore(f.clock, StoreFixture.AGING);
    }

    @AfterEach
    void closeStore() {
        try {
            f.store.close();
        } finally {
            cleanup();
        }
    }
}
