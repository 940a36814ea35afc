package io.bulwark.jdbc.internal.cluster;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The few words of SQL in which the cluster tables of the three JDBC stores differ: table names
 * (the servers' carry a {@code bulwark_} prefix, since they may share a database with the
 * application's tables), row locks (none in SQLite, whose one writer runs each call alone), and
 * inserts that meet an existing key.
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

    String table(String name) {
        return prefix + name;
    }

    /** Appended to a SELECT whose rows the transaction goes on to change. */
    String forUpdate() {
        return forUpdate;
    }

    /** Appended to a SELECT whose rows must not change until the transaction ends. */
    String forShare() {
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

    private static String marks(int n) {
        return "?, ".repeat(n - 1) + "?";
    }
}
