package io.bulwark.cluster;

import io.bulwark.cluster.internal.lock.LockArguments;
import io.bulwark.cluster.store.LockStore;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A named lock held through {@link Locks}: until its {@link #until()} (by the store's clock), or
 * until it is released. Closing it releases it, so it fits try-with-resources.
 *
 * <pre>{@code
 * try (Lock lock = locks.acquire("reports/daily", Duration.ofSeconds(30), Duration.ofSeconds(5)).orElseThrow()) {
 *     reports.writeDaily(lock.token()); // the resource refuses tokens older than the newest it saw
 * }
 * }</pre>
 *
 * <p>A lock can be lost without notice: the holder paused (GC, a stopped VM) past its ttl and
 * another process took it. {@link #renew} then returns false; but a write made before noticing
 * is only safe when the resource checks the {@link #token() fencing token}. A {@code Lock} is
 * safe to share between threads.
 */
public final class Lock implements AutoCloseable {

    private final LockStore store;
    private volatile LockGrant grant;

    Lock(LockStore store, LockGrant grant) {
        this.store = Objects.requireNonNull(store, "store");
        this.grant = Objects.requireNonNull(grant, "grant");
    }

    /** The lock's name. */
    public String name() {
        return grant.name();
    }

    /** Who holds it: the owner its {@link Locks} was made for. */
    public String owner() {
        return grant.owner();
    }

    /**
     * The fencing token: greater than that of every earlier holder of this name. Pass it to the
     * resource the lock guards, which must refuse a write whose token is smaller than the greatest
     * it has seen (e.g. {@code UPDATE ... SET fence = :token WHERE id = :id AND fence < :token}).
     */
    public long token() {
        return grant.token();
    }

    /** When the lock lapses unless renewed, by the store's clock (as of the last grant or renewal). */
    public Instant until() {
        return grant.until();
    }

    /** The grant as the store last reported it. */
    public LockGrant grant() {
        return grant;
    }

    /**
     * Extends the lock to {@code ttl} from now (the store's now).
     *
     * @param ttl between 100ms and 24h
     * @return true when extended; false when the lock was lost (it expired, or another holds it),
     *         after which the holder must stop acting on what the lock guards
     * @throws IllegalArgumentException naming {@code ttl} when it is out of range
     */
    public boolean renew(Duration ttl) {
        LockArguments.ttl(ttl);
        Optional<LockGrant> renewed = store.renew(grant.name(), grant.token(), ttl);
        renewed.ifPresent(g -> grant = g);
        return renewed.isPresent();
    }

    /**
     * Releases the lock so another can take it at once.
     *
     * @return true when it was released; false when it had been lost or released already
     */
    public boolean release() {
        return store.release(grant.name(), grant.token());
    }

    /** {@link #release()}, ignoring whether the lock was still held. */
    @Override
    public void close() {
        release();
    }

    @Override
    public String toString() {
        LockGrant g = grant;
        return "Lock[" + g.name() + ", owner=" + g.owner() + ", token=" + g.token() + ", until=" + g.until() + "]";
    }
}
