package io.bulwark.jdbc.internal.cluster;

import java.sql.SQLException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The few words of SQL in which the cluster, schedule and pipeline tables of the three JDBC stores differ:
 * table names (the servers' carry a {@code bulwark_} prefix, since they may share a database with
 * the application's tables), row locks (none in SQLite, whose one writer runs each call alone),
 * inserts that meet an existing key, and comparisons that match null to null.
 */
public enum ClusterDialect {
    SQLITE("", "", ""),
    POSTGRESQL("bulwark_", " FOR UPDATE", " FOR SHARE"),
    MARIADB("bulwark_", " FOR UPDATE", " LOCK IN SHARE MODE");

    private final String prefix;
    private final String forUpdate;
    private final String forShare;

    ClusterDialect(String prefix, String forUpdate, String forShare) {
        this.prefix = prefix;
        this.forUpdate = forUpdate;
        this.forShare = forShare;
    }

    /** The table {@code name} in this dialect. */
    public String table(String name) {
        return prefix + name;
    }

    /** Appended to a SELECT whose rows the transaction goes on to change. */
    public String forUpdate() {
        return forUpdate;
    }

    /** Appended to a SELECT whose rows must not change until the transaction ends. */
    public String forShare() {
        return forShare;
    }

    /**
     * An INSERT of one row that does nothing when its key is taken (then it reports 0 rows), and
     * waits for a concurrent insert of the same key to end rather than fail. On MariaDB that is
     * {@code INSERT IGNORE}, which also turns other errors into warnings: callers check lengths first.
     */
    String insertIfAbsent(String table, List<String> columns) {
        String values = " (" + String.join(", ", columns) + ") VALUES (" + marks(columns.size()) + ")";
        return this == MARIADB ? "INSERT IGNORE INTO " + table(table) + values
                : "INSERT INTO " + table(table) + values + " ON CONFLICT DO NOTHING";
    }

    /** An INSERT of one row that replaces every other column of the row whose {@code key} it meets. */
    String upsert(String table, String key, List<String> columns) {
        String insert = "INSERT INTO " + table(table) + " (" + String.join(", ", columns) + ") VALUES ("
                + marks(columns.size()) + ")";
        List<String> rest = columns.stream().filter(c -> !c.equals(key)).toList();
        return this == MARIADB
                ? insert + " ON DUPLICATE KEY UPDATE " + rest.stream().map(c -> c + " = VALUES(" + c + ")")
                        .collect(Collectors.joining(", "))
                : insert + " ON CONFLICT (" + key + ") DO UPDATE SET " + rest.stream().map(c -> c + " = excluded." + c)
                        .collect(Collectors.joining(", "));
    }

    /**
     * An INSERT of one row that changes nothing and reports 0 rows when its primary key
     * {@code key} is taken, and fails on anything else (a foreign key, a check, a value too long).
     * On MariaDB, which has no such clause ({@code INSERT IGNORE} would hide the other failures
     * too), a plain INSERT whose duplicate-key error {@link #keyTaken} recognises.
     */
    public String insertUnlessKeyTaken(String table, String key, List<String> columns) {
        String insert = "INSERT INTO " + table(table) + " (" + String.join(", ", columns) + ") VALUES ("
                + marks(columns.size()) + ")";
        return this == MARIADB ? insert : insert + " ON CONFLICT (" + key + ") DO NOTHING";
    }

    /**
     * An INSERT of one row that changes nothing and reports 0 rows when any unique key of the
     * table is taken (its primary key or a unique index, such as an idempotency key), and fails on
     * anything else. On MariaDB a plain INSERT whose duplicate-key error {@link #keyTaken}
     * recognises, as for {@link #insertUnlessKeyTaken}.
     */
    public String insertUnlessAnyKeyTaken(String table, List<String> columns) {
        String insert = "INSERT INTO " + table(table) + " (" + String.join(", ", columns) + ") VALUES ("
                + marks(columns.size()) + ")";
        return this == MARIADB ? insert : insert + " ON CONFLICT DO NOTHING";
    }

    /** Whether {@code e} is the duplicate-key error of an {@link #insertUnlessKeyTaken} (MariaDB's 1062). */
    public boolean keyTaken(SQLException e) {
        return this == MARIADB && e.getErrorCode() == 1062;
    }

    /** {@code column} equals the next parameter, a null matching a null. */
    public String nullSafeEquals(String column) {
        return switch (this) {
            case SQLITE -> column + " IS ?";
            case POSTGRESQL -> column + " IS NOT DISTINCT FROM ?";
            case MARIADB -> column + " <=> ?";
        };
    }

    private static String marks(int n) {
        return "?, ".repeat(n - 1) + "?";
    }
}
