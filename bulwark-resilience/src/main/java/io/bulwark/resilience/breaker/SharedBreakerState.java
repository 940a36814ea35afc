package io.bulwark.resilience.breaker;

import java.time.Instant;

/**
 * Breaker state shared across the nodes of a cluster: when one node opens a breaker, the others
 * open theirs until the same time. A breaker built with a shared state
 * {@linkplain #attach attaches} itself, publishes the opens it decides locally, and is opened
 * by {@link #pollOnce()} when another node published one. How late a node learns is bounded by
 * how often it polls.
 *
 * <p>Only opens travel: a node that learns of an open goes HALF_OPEN after {@code openUntil} and
 * probes the provider itself. Implementations are thread-safe.
 */
public interface SharedBreakerState {

    /** This node's id, as written into what it publishes. */
    String nodeId();

    /** Publishes a breaker's state as decided on {@code node}. */
    void publish(String breaker, CircuitBreaker.State state, Instant openUntil, String node);

    /** Makes {@link #pollOnce()} apply other nodes' opens to {@code breaker}. */
    void attach(CircuitBreaker breaker);

    /** Stops applying other nodes' opens to {@code breaker}. */
    void detach(CircuitBreaker breaker);

    /** Reads what other nodes published and opens the attached breakers accordingly; returns how many it opened. */
    int pollOnce();
}
