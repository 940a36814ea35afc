package io.bulwark.jdbc.backup;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * For a restore into the embedded store: drops the secondary indexes of the job tables for the
 * load and creates them again afterwards, in the same transaction (SQLite's DDL is
 * transactional), so each index is built once from all rows instead of updated row by row.
 */
final class SqliteIndexes {

    private record Index(String name, String create) {
    }

    private final List<Index> dropped = new ArrayList<>();

    void defer(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                    + "AND tbl_name IN ('" + Table.JOBS.sqliteName() + "', '" + Table.HISTORY.sqliteName() + "') "
                    + "AND sql IS NOT NULL")) {
                while (rs.next()) {
                    dropped.add(new Index(rs.getString(1), rs.getString(2)));
                }
            }
            for (Index i : dropped) {
                st.execute("DROP INDEX \"" + i.name() + "\"");
            }
        }
    }

    void rebuild(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (Index i : dropped) {
                st.execute(i.create());
            }
        }
        dropped.clear();
    }
}
