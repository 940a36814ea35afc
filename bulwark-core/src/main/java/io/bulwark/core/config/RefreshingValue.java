package io.bulwark.core.config;

import io.bulwark.core.units.Durations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The value behind a dynamic {@link Secret}: read from its store, used until its TTL has passed,
 * then read again.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li>No thread of its own (a library starts none behind the caller's back): the first
 *       {@link #current()} after the TTL reads the store on the caller's thread. Only one caller
 *       reads at a time ({@code tryLock}); the others, meanwhile, get the value in hand at once
 *       rather than queue behind a slow store.</li>
 *   <li>The state is one immutable record swapped whole, so a reader never sees a value with
 *       another value's deadline. Only the thread holding the lock writes it.</li>
 *   <li>A failed read keeps the last good value and moves the next attempt
 *       {@link #RETRY_AFTER_FAILURE} ahead (or the TTL, if shorter), so a store that is down costs
 *       one attempt per interval, not one per call. The first failure of a run is a warning, the
 *       rest are debug lines, and the first success after them is an info line.</li>
 *   <li>Listeners hear a new value <em>before</em> {@link #current()} returns it, so the log
 *       redactor knows a rotated secret before any code can use it, let alone log it.</li>
 *   <li>Nothing here logs or throws the value: messages name the reference and the resolver's
 *       reason only; an exception other than {@link SecretResolutionException} or
 *       {@link IllegalArgumentException} is named by its class alone.</li>
 * </ul>
 */
final class RefreshingValue {

    /** How soon a failed read is tried again, unless the TTL is shorter. */
    static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(SecretResolvers.class);

    private final SecretReference reference;
    private final SecretResolver resolver;
    private final InstantSource clock;
    private final Duration retryAfterFailure;
    private final ReentrantLock reading = new ReentrantLock();
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicReference<State> state;

    /**
     * @param value what the reference resolved to when it was first read
     * @param nextAttempt when it is due to be read again
     * @param failures failed reads since the last good one
     */
    private record State(String value, Instant readAt, Instant nextAttempt, int failures) {
    }

    RefreshingValue(SecretReference reference, SecretResolver resolver, InstantSource clock, String first) {
        this.reference = reference;
        this.resolver = resolver;
        this.clock = clock;
        this.retryAfterFailure = reference.ttl().compareTo(RETRY_AFTER_FAILURE) < 0 ? reference.ttl() : RETRY_AFTER_FAILURE;
        Instant now = clock.instant();
        this.state = new AtomicReference<>(new State(first, now, now.plus(reference.ttl()), 0));
    }

    /**
     * Reads {@code reference} once through {@code resolver}.
     *
     * @throws SecretResolutionException with a message safe to show, whatever went wrong
     */
    static String read(SecretResolver resolver, SecretReference reference) {
        String value;
        try {
            value = resolver.resolve(reference.location());
        } catch (SecretResolutionException | IllegalArgumentException e) {
            throw new SecretResolutionException(e.getMessage(), e);
        } catch (RuntimeException e) {
            // Its message may quote what the store sent back: name the class only.
            throw new SecretResolutionException("the " + reference.scheme() + " resolver failed with "
                    + e.getClass().getName(), e);
        }
        if (value == null || value.isEmpty()) {
            throw new SecretResolutionException("it resolved to an empty value");
        }
        return value;
    }

    SecretReference reference() {
        return reference;
    }

    /** The value in hand, read again first if its TTL has passed and no other caller is reading it. */
    String current() {
        State s = state.get();
        // Held by this thread: a listener is revealing while it hears of the new value.
        if (clock.instant().isBefore(s.nextAttempt()) || reading.isHeldByCurrentThread() || !reading.tryLock()) {
            return s.value();
        }
        try {
            s = state.get();
            if (clock.instant().isBefore(s.nextAttempt())) {
                return s.value(); // another caller has just read it
            }
            return refresh(s);
        } finally {
            reading.unlock();
        }
    }

    void onChange(Consumer<String> listener) {
        listeners.add(listener);
    }

    private String refresh(State last) {
        String value;
        try {
            value = read(resolver, reference);
        } catch (SecretResolutionException e) {
            Instant next = clock.instant().plus(retryAfterFailure);
            state.set(new State(last.value(), last.readAt(), next, last.failures() + 1));
            if (last.failures() == 0) {
                LOG.warn("Cannot refresh secret {}: {}. Still using the value read at {}; trying again every {} "
                                + "until it works, which will be logged.", reference, e.getMessage(), last.readAt(),
                        Durations.format(retryAfterFailure));
            } else {
                LOG.debug("Cannot refresh secret {} (attempt {}): {}", reference, last.failures() + 1, e.getMessage());
            }
            return last.value();
        }
        boolean changed = !value.equals(last.value());
        if (changed) {
            for (Consumer<String> listener : listeners) {
                try {
                    listener.accept(value);
                } catch (RuntimeException e) {
                    LOG.warn("A listener on secret {} failed with {}; the new value is used all the same",
                            reference, e.getClass().getName());
                }
            }
        }
        Instant now = clock.instant();
        state.set(new State(value, now, now.plus(reference.ttl()), 0));
        if (last.failures() > 0) {
            LOG.info("Secret {} read again after {} failed attempt(s){}", reference, last.failures(),
                    changed ? "; it has changed and the new value is used from now on" : "");
        } else if (changed) {
            LOG.info("Secret {} has changed; the new value is used from now on", reference);
        }
        return value;
    }
}
