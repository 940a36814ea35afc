package io.bulwark.jdbc.backup;

/** The three stores a backup moves between. */
enum Flavor {
    SQLITE("sqlite"),
    POSTGRESQL("postgresql"),
    MARIADB("mariadb");

    final String id;

    Flavor(String id) {
        this.id = id;
    }
}
