package io.bulwark.jdbc.sqlite;

/**
 * What the store's single writer has done since it opened: how many write operations it ran and
 * in how many commits. {@code operations / commits} is the average group-commit batch.
 *
 * @param operations write operations run (an enqueue of a batch of jobs is one operation)
 * @param commits transactions committed (each one fsync in {@link Durability#FULL}, but the unsynced ones)
 * @param largestBatch most operations that shared one commit
 * @param waiting operations queued for the writer right now
 * @param unsyncedCommits commits made without an fsync of their own, the worker's claims and
 *                        outcomes under {@link SqliteOptions#syncDelay()}: each reached the disk
 *                        with a later synced commit or a sync of the log
 * @param logSyncs fsyncs of the write-ahead log made because unsynced commits had waited the sync
 *                 delay with no synced commit after them
 */
public record WriteStats(long operations, long commits, int largestBatch, int waiting, long unsyncedCommits,
                         long logSyncs) {
}
