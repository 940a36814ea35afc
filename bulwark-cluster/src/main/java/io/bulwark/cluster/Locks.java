package io.bulwark.cluster;

import io.bulwark.cluster.internal.lock.LockArguments;
import io.bulwark.cluster.internal.lock.PollBackoff;
import io.bulwark.cluster.store.LockStore;
import io.bulwark.core.units.Durations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * Named locks with fencing tokens, for one owner, over a {@link LockStore}: in memory or the
 * embedded store for one process, PostgreSQL, MariaDB or Redis for a fleet.
 *
 * <pre>{@code
 * Locks locks = Locks.of(store, nodeId);
 * int sent = locks.withLock("invoices/send", Duration.ofSeconds(30), Duration.ofSeconds(5), lock -> {
 *     return invoices.sendDue(lock.token()); // each write carries the token; the table refuses older ones
 * });
 *
 * Optional<Lock> maybe = locks.tryAcquire("reindex", Duration.ofMinutes(2));
 * maybe.ifPresent(lock -> { try (lock) { reindex(lock); } });
 * }</pre>
 *
 * <p>Rules:
 * <ul>
 *   <li>A lock lasts {@code ttl} (100ms to 24h) by the <em>store's</em> clock unless renewed
 *       ({@link Lock#renew}) or released; a holder that dies loses it when it lapses.</li>
 *   <li>Not re-entrant: asking again for a lock this owner holds waits like anyone else.</li>
 *   <li>A lock alone does not make a write safe: a holder can pause past its ttl and write
 *       after another took the lock. The write is safe when the resource checks
 *       {@link Lock#token()} (see {@code docs/locks.md}).</li>
 * </ul>
 *
 * <p>Waiting ({@link #acquire}, {@link #withLock}) polls the store: it tries, then sleeps with
 * the {@link Builder#pollBackoff poll backoff} (10ms doubling to 200ms, jittered) and tries
 * again, until it gets the lock or {@code wait} has passed on the injected {@link InstantSource}.
 * The deadline is this process's affair, so it uses the injected clock; the lock's expiry uses
 * only the store's. Sleeping goes through a {@link Sleeper} so a test drives the waits by hand.
 * Thread-safe; one instance serves every thread of its owner. A store that fails (a database or
 * Redis that cannot be reached) throws its own exception through every method here; nothing is
 * retried, since whether a failed acquire took the lock is unknown (if it did, it lapses after
 * its ttl).
 */
public final class Locks {

    private static final Logger LOG = LoggerFactory.getLogger(Locks.class);

    private final LockStore store;
    private final String owner;
    private final InstantSource clock;
    private final Sleeper sleeper;
    private final PollBackoff backoff;
    private final RandomGenerator random;

    private Locks(Builder b) {
        this.store = b.store;
        this.owner = b.owner;
        this.clock = b.clock;
        this.sleeper = b.sleeper;
        this.backoff = b.backoff;
        this.random = b.random;
    }

    /**
     * Locks taken for {@code owner} in {@code store}, with the system clock, real sleeps and the
     * default poll backoff.
     *
     * @param owner who holds the locks taken here (a node id, a service name): 1 to 200 letters,
     *              digits, '.', '_', ':', '/', '@' or '-'
     */
    public static Locks of(LockStore store, String owner) {
        return builder(store, owner).build();
    }

    /** A builder, for an injected clock, sleeper or poll backoff. */
    public static Builder builder(LockStore store, String owner) {
        return new Builder(store, owner);
    }

    /** The owner every lock taken here is held by. */
    public String owner() {
        return owner;
    }

    /**
     * Takes {@code name} if no one holds it now; does not wait.
     *
     * @param name 1 to 200 letters, digits, '.', '_', ':', '/' or '-'
     * @param ttl between 100ms and 24h
     * @return the lock, or empty when another holder's lock has not lapsed
     * @throws IllegalArgumentException naming the parameter and the bad value
     */
    public Optional<Lock> tryAcquire(String name, Duration ttl) {
        LockArguments.name(name);
        LockArguments.ttl(ttl);
        return store.tryAcquire(name, owner, ttl).map(g -> new Lock(store, g));
    }

    /**
     * Takes {@code name}, polling until it is free or {@code wait} has passed.
     *
     * <p>When the waiting thread is interrupted it stops, sets its interrupt flag again and
     * returns empty.
     *
     * @param wait how long to keep trying; zero tries once
     * @return the lock, or empty when it could not be taken in time
     * @throws IllegalArgumentException naming the parameter and the bad value
     */
    public Optional<Lock> acquire(String name, Duration ttl, Duration wait) {
        LockArguments.name(name);
        LockArguments.ttl(ttl);
        LockArguments.waitFor(wait);
        return attempt(name, ttl, wait).lock();
    }

    /**
     * Runs {@code action} holding {@code name}, then releases it, also when the action throws.
     * If the lock was lost before the release (the action outlived the ttl), a warning is logged:
     * writes the action fenced with the token may have been refused by the resource.
     *
     * @return what the action returned
     * @throws LockUnavailableException when the lock could not be taken within {@code wait},
     *         naming the lock, its holder and until when it holds it, and how long this waited
     * @throws IllegalArgumentException naming the parameter and the bad value
     */
    public <T> T withLock(String name, Duration ttl, Duration wait, Function<Lock, T> action) {
        LockArguments.name(name);
        LockArguments.ttl(ttl);
        LockArguments.waitFor(wait);
        Objects.requireNonNull(action, "action");
        Attempt attempt = attempt(name, ttl, wait);
        if (attempt.lock().isEmpty()) {
            throw new LockUnavailableException(name, store.holder(name).orElse(null), attempt.waited(),
                    attempt.interrupted());
        }
        Lock lock = attempt.lock().get();
        Throwable failure = null;
        try {
            return action.apply(lock);
        } catch (Throwable t) {
            failure = t;
            throw t;
        } finally {
            release(lock, failure);
        }
    }

    /** Every lock held now in the store, by any owner, ordered by name. */
    public List<LockGrant> held() {
        return store.held();
    }

    @Override
    public String toString() {
        return "Locks[owner=" + owner + ", store=" + store + "]";
    }

    private Attempt attempt(String name, Duration ttl, Duration wait) {
        Instant start = clock.instant();
        Instant deadline = plusSaturated(start, wait);
        for (int tries = 0; ; tries++) {
            Optional<LockGrant> grant = store.tryAcquire(name, owner, ttl);
            if (grant.isPresent()) {
                return new Attempt(Optional.of(new Lock(store, grant.get())), Duration.between(start, clock.instant()), false);
            }
            Instant now = clock.instant();
            Duration left = Duration.between(now, deadline);
            if (left.isNegative() || left.isZero()) {
                return new Attempt(Optional.empty(), Duration.between(start, now), false);
            }
            Duration pause = backoff.pause(tries, random == null ? ThreadLocalRandom.current() : random);
            try {
                sleeper.sleep(pause.compareTo(left) < 0 ? pause : left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Attempt(Optional.empty(), Duration.between(start, clock.instant()), true);
            }
        }
    }

    private static void release(Lock lock, Throwable failure) {
        try {
            if (!lock.release()) {
                LOG.warn("Lock '{}' (token {}) of {} was lost before its release: it lapsed at {} or another holder took it. "
                        + "Writes fenced with token {} after that were refused by a resource that checks tokens; "
                        + "give the lock a longer ttl or renew it during long actions.",
                        lock.name(), lock.token(), lock.owner(), lock.until(), lock.token());
            }
        } catch (RuntimeException e) {
            if (failure != null) {
                failure.addSuppressed(e);
            } else {
                LOG.warn("Could not release lock '{}' (token {}) of {}: {}. It lapses by itself at {} (store clock); "
                        + "until then others wait for it.", lock.name(), lock.token(), lock.owner(), e.toString(), lock.until());
            }
        }
    }

    private static Instant plusSaturated(Instant start, Duration wait) {
        try {
            return start.plus(wait);
        } catch (ArithmeticException | java.time.DateTimeException e) {
            return Instant.MAX;
        }
    }

    private record Attempt(Optional<Lock> lock, Duration waited, boolean interrupted) {
    }

    /**
     * How a waiting acquire pauses between tries. The default sleeps the calling thread; a test
     * passes one that records the pause and advances a settable clock instead.
     *
     * <pre>{@code
     * List<Duration> pauses = new ArrayList<>();
     * Locks locks = Locks.builder(store, "a").clock(clock).sleeper(d -> { pauses.add(d); clock.advance(d); }).build();
     * }</pre>
     */
    @FunctionalInterface
    public interface Sleeper {

        /** Pauses for {@code duration}; throws when the thread is interrupted. */
        void sleep(Duration duration) throws InterruptedException;
    }

    /**
     * A lock could not be taken within the time the caller was willing to wait. The message names
     * the lock, its holder (owner, token, until by the store's clock) and how long the caller
     * waited: "lock 'invoices/send' is held by node-2 (token 17) until 2026-01-01T00:00:05Z; gave
     * up after waiting 5s".
     */
    public static final class LockUnavailableException extends RuntimeException {

        private final String name;
        private final transient LockGrant holder;
        private final Duration waited;

        LockUnavailableException(String name, LockGrant holder, Duration waited, boolean interrupted) {
            super(message(name, holder, waited, interrupted));
            this.name = name;
            this.holder = holder;
            this.waited = waited;
        }

        /** The lock's name. */
        public String name() {
            return name;
        }

        /** Who held it when this gave up; empty when it had just been freed. */
        public Optional<LockGrant> holder() {
            return Optional.ofNullable(holder);
        }

        /** How long the caller waited, by its injected clock. */
        public Duration waited() {
            return waited;
        }

        private static String message(String name, LockGrant holder, Duration waited, boolean interrupted) {
            String took = (interrupted ? "interrupted after waiting " : "gave up after waiting ")
                    + Durations.format(Duration.ofMillis(waited.toMillis()));
            return holder == null
                    ? "lock '" + name + "' could not be taken; " + took + " (it has no holder now: it was freed after the last try)"
                    : "lock '" + name + "' is held by " + holder.owner() + " (token " + holder.token() + ") until "
                    + holder.until() + "; " + took;
        }
    }

    /** Builds {@link Locks}; each setter checks its value at once. */
    public static final class Builder {
        private final LockStore store;
        private final String owner;
        private InstantSource clock = InstantSource.system();
        private Sleeper sleeper = Thread::sleep;
        private PollBackoff backoff = PollBackoff.DEFAULT;
        private RandomGenerator random;

        private Builder(LockStore store, String owner) {
            this.store = Objects.requireNonNull(store, "store");
            this.owner = LockArguments.owner(owner);
        }

        /** The clock that measures waits (default: the system clock). Lock expiry is the store's. */
        public Builder clock(InstantSource value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** How waits pause between tries (default: {@link Thread#sleep(Duration)}). */
        public Builder sleeper(Sleeper value) {
            this.sleeper = Objects.requireNonNull(value, "sleeper");
            return this;
        }

        /**
         * The pauses between tries while waiting: {@code initial}, doubling up to {@code max},
         * each drawn from [half, whole] of its step. Default 10ms doubling to 200ms.
         *
         * @throws IllegalArgumentException when either is not > 0 or max is below initial
         */
        public Builder pollBackoff(Duration initial, Duration max) {
            this.backoff = new PollBackoff(initial, max);
            return this;
        }

        /**
         * The source of jitter (default {@link ThreadLocalRandom}); shared by every waiting
         * thread, so it must be thread-safe ({@link java.util.Random} is). Tests pass a seeded one.
         */
        public Builder random(RandomGenerator value) {
            this.random = Objects.requireNonNull(value, "random");
            return this;
        }

        public Locks build() {
            return new Locks(this);
        }
    }
}
