package io.bulwark.providers.queue;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Who is calling and how long they will wait, for a group's request queue.
 *
 * @param priority 0 (highest) to 9 (lowest), as for jobs
 * @param key the caller's identity for fair sharing (an API key id); calls of one key share its
 *            {@code maxPerKey}
 * @param maxWait the longest this call will wait, if less than the queue's own {@code maxWait}
 * @param abandoned completed when the caller has gone (a client that disconnected): the call leaves
 *                  the queue at once
 * @param waited told how long the call waited, when it waited and was then let through
 * @param queued run when the call starts waiting in the queue (not for a call let through at
 *               once), on the caller's thread: a server starts watching the caller's connection
 *               for a hang-up here, so calls that never wait cost nothing
 */
public record Admission(int priority, String key, Optional<Duration> maxWait, CompletableFuture<Void> abandoned,
                        Consumer<Duration> waited, Runnable queued) {

    /** The priority of a call that names none. */
    public static final int DEFAULT_PRIORITY = 5;

    public Admission {
        if (priority < 0 || priority > 9) {
            throw new IllegalArgumentException("priority must be from 0 (highest) to 9 (lowest) but was " + priority);
        }
        key = key == null || key.isEmpty() ? "anonymous" : key;
        if (maxWait.isPresent() && maxWait.get().isNegative()) {
            throw new IllegalArgumentException("maxWait must not be negative but was " + maxWait.get());
        }
        queued = queued == null ? () -> { } : queued;
    }

    /** An admission that needs no word when the call starts waiting. */
    public Admission(int priority, String key, Optional<Duration> maxWait, CompletableFuture<Void> abandoned,
                     Consumer<Duration> waited) {
        this(priority, key, maxWait, abandoned, waited, null);
    }

    /** A call of default priority, for an anonymous caller, that waits as long as the queue allows. */
    public static Admission standard() {
        return new Admission(DEFAULT_PRIORITY, "anonymous", Optional.empty(), new CompletableFuture<>(), w -> { });
    }

    /** This admission with another priority. */
    public Admission withPriority(int value) {
        return new Admission(value, key, maxWait, abandoned, waited, queued);
    }
}
