package io.bulwark.jobs;

import java.time.Instant;

/**
 * One recorded change of a job's state.
 *
 * @param at when, by the store's clock
 * @param from the state before (null for creation)
 * @param to the state after
 * @param reason why: {@code enqueued}, {@code claimed}, {@code completed}, {@code timeout},
 *               {@code error: ...}, {@code lease expired}, {@code cancelled}, ...
 * @param node the node that made the change, or null
 * @param attempt the attempt number then
 */
public record Transition(Instant at, JobState from, JobState to, String reason, String node, int attempt) {
}
