package io.bulwark.jdbc;

/**
 * A store operation failed in the database itself (I/O error, disk full, a locked or corrupt
 * file), as opposed to a caller's mistake, which stays an {@link IllegalArgumentException} or
 * {@link IllegalStateException}. The message names the operation and the database, for example
 * {@code "SQLite job store /var/lib/bulwark/jobs.db: enqueue failed: [SQLITE_FULL] database or disk is full"}.
 */
public class StoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String operation;
    private final String location;

    public StoreException(String store, String location, String operation, String problem, Throwable cause) {
        super(store + " " + location + ": " + operation + " failed: " + problem, cause);
        this.operation = operation;
        this.location = location;
    }

    /** The operation that failed: {@code enqueue}, {@code claim}, {@code open}, ... */
    public String operation() {
        return operation;
    }

    /** The database: a file path or a JDBC URL without credentials. */
    public String location() {
        return location;
    }
}
