package io.bulwark.test.ratelimit;

/**
 * One admitted request, as a test records it to check a limit's promise afterwards.
 *
 * @param nanos when it was admitted (plus its pacing delay, for pacing limits), in ticker nanoseconds
 * @param cost  its cost
 */
public record Admission(long nanos, long cost) {
}
