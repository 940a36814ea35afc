package io.bulwark.jdbc.sqlite.internal;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Embedded store, version 6: waiting jobs can expire. Adds {@code jobs.expires_at} and the
 * index of waiting jobs that expire, and lets {@code jobs.state} be {@code 'expired'}.
 *
 * <p>SQLite cannot alter a CHECK constraint, and the usual way round (build a new table, copy,
 * drop the old one) would copy every job and, with foreign keys on, delete every job's history as
 * the old table is dropped. A check that only admits one more value changes nothing on disk and
 * holds for every existing row, which is the case SQLite's documentation gives for editing the
 * table's schema text in place (<a href="https://www.sqlite.org/lang_altertable.html#otheralter">
 * "Making Other Kinds Of Table Schema Changes"</a>): in the migration's transaction, rewrite the
 * CHECK in {@code sqlite_schema}, bump {@code schema_version} so every connection reloads the
 * schema, then check the database's integrity. It is a Java migration because
 * {@code PRAGMA schema_version} takes a literal, not the current value plus one.
 */
public final class V6__Expiry extends BaseJavaMigration {

    static final String OLD_CHECK = "'completed', 'dead', 'cancelled'))";
    static final String NEW_CHECK = "'completed', 'dead', 'cancelled', 'expired'))";

    @Override
    public void migrate(Context context) throws SQLException {
        Connection c = context.getConnection();
        try (Statement st = c.createStatement()) {
            st.execute("ALTER TABLE jobs ADD COLUMN expires_at INTEGER");
            long version;
            try (ResultSet rs = st.executeQuery("PRAGMA schema_version")) {
                rs.next();
                version = rs.getLong(1);
            }
            st.execute("PRAGMA writable_schema = ON");
            int changed;
            try {
                changed = st.executeUpdate("UPDATE sqlite_schema SET sql = replace(sql, '" + quote(OLD_CHECK) + "', '"
                        + quote(NEW_CHECK) + "') WHERE type = 'table' AND name = 'jobs' AND instr(sql, '"
                        + quote(OLD_CHECK) + "') > 0");
                st.execute("PRAGMA schema_version = " + (version + 1));
            } finally {
                st.execute("PRAGMA writable_schema = OFF");
            }
            if (changed != 1) {
                throw new SQLException("the jobs table's state check is not the one version 1 made (" + OLD_CHECK
                        + "); the schema was changed by hand, so the migration stops here");
            }
            try (ResultSet rs = st.executeQuery("PRAGMA quick_check")) {
                rs.next();
                String result = rs.getString(1);
                if (!"ok".equals(result)) {
                    throw new SQLException("the database failed its integrity check after the jobs table's state "
                            + "check was widened: " + result);
                }
            }
            st.execute("CREATE INDEX jobs_expiry ON jobs (expires_at) "
                    + "WHERE state IN ('scheduled', 'available', 'retryable') AND expires_at IS NOT NULL");
        }
    }

    private static String quote(String sql) {
        return sql.replace("'", "''");
    }
}
