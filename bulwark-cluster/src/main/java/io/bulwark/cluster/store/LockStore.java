package io.bulwark.cluster.store;

import io.bulwark.cluster.LockGrant;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Where named locks with fencing tokens are kept. Implemented in memory
 * ({@link InMemoryLockStore}, one process), by the embedded store (one process), by PostgreSQL
 * and MariaDB (a fleet) and by Redis. Every implementation passes {@code LockStoreContract} in
 * bulwark-test.
 *
 * <h2>Rules every implementation keeps</h2>
 * <ul>
 *   <li>At most one unexpired holder per name, decided atomically by the store, by its clock.</li>
 *   <li>Each grant of a name gets a token greater than every earlier grant of that name, even
 *       after releases and expiries.</li>
 *   <li>{@link #renew} and {@link #release} act only when the token presented is the current,
 *       unexpired holder's; a stale token changes nothing.</li>
 *   <li>Locks are not re-entrant: a holder asking again gets nothing until it releases.</li>
 * </ul>
 */
public interface LockStore extends AutoCloseable {

    /**
     * Takes {@code name} for {@code owner} for {@code ttl}, if no one holds it now.
     *
     * @return the grant, or empty when another holder's lock has not expired
     */
    Optional<LockGrant> tryAcquire(String name, String owner, Duration ttl);

    /**
     * Extends the lock to {@code ttl} from now, if {@code token} still holds it.
     *
     * @return the renewed grant, or empty when the lock expired or another holds it
     */
    Optional<LockGrant> renew(String name, long token, Duration ttl);

    /** Releases the lock, if {@code token} still holds it; true when it did. */
    boolean release(String name, long token);

    /** The current unexpired holder of {@code name}, if any. */
    Optional<LockGrant> holder(String name);

    /** Every lock held now, unexpired, ordered by name. */
    List<LockGrant> held();

    @Override
    void close();
}
