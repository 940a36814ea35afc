package io.bulwark.jdbc;

import java.util.List;

/**
 * What a JDBC store is and how its connections fare, for {@code GET /api/v1/store} and
 * {@code bulwark store status}.
 *
 * @param dialect {@code sqlite}, {@code postgresql} or {@code mariadb}
 * @param location the database file, or the JDBC URL without secrets
 * @param serverVersion the database's own version
 * @param schemaVersion the migration the schema is at
 * @param pools each connection pool
 * @param replica the read replica, or null when none is configured
 */
public record StoreStatus(String dialect, String location, String serverVersion, String schemaVersion,
                          List<Pool> pools, Replica replica) {

    public StoreStatus {
        pools = List.copyOf(pools);
    }

    /**
     * The read replica that serves list and count queries.
     *
     * @param location its JDBC URL without secrets
     * @param serving true while reads go to it; false while they fall back to the primary
     * @param lagMs how far its replay is behind, as it last reported; -1 when it could not be asked
     * @param maxLagMs beyond this lag reads go to the primary
     * @param fallbacks reads sent to the primary since start because the replica lagged or failed
     * @param reason why reads fall back now, or null while it serves
     */
    public record Replica(String location, boolean serving, long lagMs, long maxLagMs, long fallbacks, String reason) {
    }

    /**
     * One connection pool right now.
     *
     * @param name the pool's name, as in metrics and errors
     * @param role {@code primary}, {@code replica}, or for the embedded store {@code read}
     * @param active connections in use
     * @param idle connections open and free
     * @param waiting callers waiting for a connection
     * @param max the pool's size
     * @param timeouts callers that gave up waiting since start
     */
    public record Pool(String name, String role, int active, int idle, int waiting, int max, long timeouts) {
    }
}
