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
 */
public record StoreStatus(String dialect, String location, String serverVersion, String schemaVersion,
                          List<Pool> pools) {

    public StoreStatus {
        pools = List.copyOf(pools);
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
