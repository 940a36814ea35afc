package io.bulwark.jdbc.backup;

/**
 * One column of a backed-up table, by its portable name (the same in every dialect) and type.
 *
 * @param name the column, as in every dialect's schema
 * @param type how it is read, written to the backup and bound again
 * @param since the migration that added it to its table: a store at an older schema version has no
 *        such column, its backup carries none, and a restore of such a backup leaves it null
 */
record Column(String name, Type type, int since) {

    Column(String name, Type type) {
        this(name, type, 1);
    }

    /** This column as added by migration {@code version}. */
    Column since(int version) {
        return new Column(name, type, version);
    }

    enum Type {
        /** A job or pipeline run id: uuid on PostgreSQL, 16 bytes elsewhere; a string in the backup. */
        ID,
        TEXT,
        INT,
        LONG,
        DOUBLE,
        /** boolean on PostgreSQL and MariaDB, 0/1 on SQLite; a JSON boolean in the backup. */
        BOOL
    }

    static Column id(String name) {
        return new Column(name, Type.ID);
    }

    static Column text(String name) {
        return new Column(name, Type.TEXT);
    }

    static Column integer(String name) {
        return new Column(name, Type.INT);
    }

    static Column bigint(String name) {
        return new Column(name, Type.LONG);
    }

    static Column real(String name) {
        return new Column(name, Type.DOUBLE);
    }

    static Column bool(String name) {
        return new Column(name, Type.BOOL);
    }
}
