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

    /** A statement for {@code sql} on the transaction's connection; the caller closes it. */
    public PreparedStatement prepare(String sql) throws SQLException {
        return connection.prepareStatement(sql);
    }

    /** The table {@code name} in the transaction's dialect. */
    public String table(String name) {
        return dialect.table(name);
    }
}
