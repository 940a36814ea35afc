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

    /**
     * True when the database could not be reached or refused to serve for now (connection lost or
     * refused, pool exhausted, server shutting down or out of resources): the same call may work a
     * moment later. False for a failure that repeating will not cure.
     */
    public boolean isUnavailable() {
        for (Throwable t = getCause(); t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.sql.SQLTransientConnectionException
                    || t instanceof java.sql.SQLNonTransientConnectionException
                    || t instanceof java.sql.SQLRecoverableException
                    || t instanceof java.net.ConnectException) {
                return true;
            }
            if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                // 08: connection exception; 53: insufficient resources; 57P0x: shutting down, crashed.
                if (state.startsWith("08") || state.startsWith("53") || state.startsWith("57P0")) {
                    return true;
                }
            }
        }
        return false;
    }
}
