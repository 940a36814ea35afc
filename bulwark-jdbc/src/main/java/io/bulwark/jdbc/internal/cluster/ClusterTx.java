package io.bulwark.jdbc.internal.cluster;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * One cluster-store (or schedule-store) call's transaction: its connection (owned by the caller, who commits), the
 * store's time for the whole call in epoch milliseconds (read once, from the database's clock in a
 * fleet), and the dialect.
 *
 * @param connection the transaction's connection
 * @param now the store's time for this call, epoch milliseconds
 * @param dialect how the SQL differs
 */
public record ClusterTx(Connection connection, long now, ClusterDialect dialect) {

    /** Work done in one such transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(ClusterTx tx) throws SQLException;
    }

    /**
     * How a job store runs the transactions of the tables beside its jobs (cluster, locks,
     * schedules): a pooled connection on a database server, the one writer of the embedded store.
     */
    public interface Runner {
        /** The store's clock. */
        java.time.Instant now();

        /** Runs {@code work} in one transaction that may write, committed before this returns. */
        <T> T write(String operation, Work<T> work);

        /** Runs {@code work}, which only reads, as one consistent read. */
        <T> T read(String operation, Work<T> work);
    }

    /** A statement for {@code sql} on the transaction's connection; the caller closes it. */
    public PreparedStatement prepare(String sql) throws SQLException {
        return connection.prepareStatement(sql);
    }

    /** The table {@code name} in the transaction's dialect. */
    public String table(String name) {
        return dialect.table(name);
    }
}
