package io.bulwark.jdbc.sqlite;

/**
 * What the store's single writer has done since it opened: how many write operations it ran and
 * in how many commits. {@code operations / commits} is the average group-commit batch.
 *
 * @param operations write operations run (an enqueue of a batch of jobs is one operation)
 * @param commits transactions committed (each one fsync in {@link Durability#FULL})
 * @param largestBatch most operations that shared one commit
 * @param waiting operations queued for the writer right now
 */
public record WriteStats(long operations, long commits, int largestBatch, int waiting) {
}
