package io.bulwark.jdbc.sqlite;

/**
 * When SQLite forces a commit to the disk. The database stays consistent in both modes (it runs
 * in WAL mode); they differ in which crash can take back a write that was already acknowledged.
 */
public enum Durability {

    /**
     * {@code synchronous=FULL}: every commit is fsync'ed before the write is acknowledged, so an
     * acknowledged write survives {@code kill -9}, an operating-system crash and power loss. The
     * default. Group commit shares one fsync among every write waiting at the time.
     */
    FULL,

    /**
     * {@code synchronous=NORMAL}: a commit is written to the write-ahead log (the operating
     * system's page cache) and fsync'ed only at checkpoints. An acknowledged write survives
     * {@code kill -9} and any other crash of the process, because the kernel still holds the
     * written pages and flushes them later; an operating-system crash or power loss can take back
     * the last commits before it (never corrupting the file).
     */
    NORMAL
}
