package io.bulwark.jdbc.database;

import java.util.Locale;

/**
 * The database servers a {@link DatabaseJobStore} runs on. Each has its own migrations
 * ({@code db/<id>/V<n>__*.sql}) and the few statements where the two differ.
 */
public enum Dialect {
    /** PostgreSQL 13 or newer: {@code jdbc:postgresql://host:port/db}. */
    POSTGRESQL("postgresql", "PostgreSQL"),
    /** MariaDB 10.6 or newer (for {@code SKIP LOCKED}): {@code jdbc:mariadb://} or {@code jdbc:mysql://}. */
    MARIADB("mariadb", "MariaDB");

    private final String id;
    private final String displayName;

    Dialect(String id, String displayName) {
        this.id = id;
        this.displayName = displayName;
    }

    /** The short name used in config, migration folders and metrics: {@code postgresql}, {@code mariadb}. */
    public String id() {
        return id;
    }

    /** The name people call it by. */
    public String displayName() {
        return displayName;
    }

    /**
     * The dialect of a JDBC URL.
     *
     * @throws IllegalArgumentException naming the URL's scheme and the ones accepted
     */
    public static Dialect of(String jdbcUrl) {
        String url = jdbcUrl == null ? "" : jdbcUrl.toLowerCase(Locale.ROOT);
        if (url.startsWith("jdbc:postgresql://")) {
            return POSTGRESQL;
        }
        if (url.startsWith("jdbc:mariadb://") || url.startsWith("jdbc:mysql://")) {
            return MARIADB;
        }
        throw new IllegalArgumentException("a database URL must start with jdbc:postgresql://, jdbc:mariadb:// or "
                + "jdbc:mysql:// but was '" + StoreUrls.redact(jdbcUrl) + "'");
    }
}
