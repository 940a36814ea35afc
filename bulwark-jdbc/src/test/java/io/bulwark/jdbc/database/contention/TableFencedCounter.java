package io.bulwark.jdbc.database.contention;

import io.bulwark.test.cluster.contention.FencedCounter;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A {@link FencedCounter} in one row of a table, {@code (id, n, fence)}: the database (the
 * resource) refuses a stale token in the same statement as the write, as docs/locks.md tells
 * users to guard their own rows.
 *
 * <pre>{@code
 * UPDATE counter SET n = :value, fence = :token WHERE id = 1 AND fence < :token
 * }</pre>
 *
 * <p>The new value is the one the holder read plus one, not {@code n = n + 1}: with {@code n + 1}
 * the row lock alone would keep the count exact even if two holders overlapped, so a broken lock
 * could not show as a lost update. Written this way, two holders that overlap both read the same
 * value, and either the later token's write lands first (the earlier one is then refused) or the
 * earlier lands first (the later one then overwrites it: one increment lost). Both show.
 */
public final class TableFencedCounter implements FencedCounter {

    private final DataSource data;
    private final String table;

    /** The counter in {@code table}, which {@link #create} made; connections from {@code data}. */
    public TableFencedCounter(DataSource data, String table) {
        this.data = data;
        this.table = table;
    }

    /** Creates {@code table} holding one counter at 0 with fence 0 (no write yet). */
    public static void create(Connection c, String table) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TABLE " + table + " (id INT PRIMARY KEY, n BIGINT NOT NULL, fence BIGINT NOT NULL)");
            st.execute("INSERT INTO " + table + " (id, n, fence) VALUES (1, 0, 0)");
        }
        if (!c.getAutoCommit()) {
            c.commit();
        }
    }

    @Override
    public State read() {
        try (Connection c = data.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT n, fence FROM " + table + " WHERE id = 1");
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new IllegalStateException("counter table " + table + " has no row 1");
            }
            State state = new State(rs.getLong(1), rs.getLong(2));
            end(c);
            return state;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read counter " + table + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean write(long value, long token) {
        try (Connection c = data.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET n = ?, fence = ? WHERE id = 1 AND fence < ?")) {
            ps.setLong(1, value);
            ps.setLong(2, token);
            ps.setLong(3, token);
            int updated = ps.executeUpdate();
            end(c);
            return updated == 1;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write counter " + table + " (value " + value + ", token " + token
                    + "): " + e.getMessage(), e);
        }
    }

    private static void end(Connection c) throws SQLException {
        if (!c.getAutoCommit()) {
            c.commit();
        }
    }
}
