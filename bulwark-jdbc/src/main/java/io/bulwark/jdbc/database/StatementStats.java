package io.bulwark.jdbc.database;

import java.util.List;

/**
 * Time the database spent on the store's statements so far, for the tuner's slow-statement advice:
 * from PostgreSQL's {@code pg_stat_statements} when the extension is installed and loaded (every
 * statement of Bulwark's database user in this database, normalised by PostgreSQL), otherwise from
 * the timings the store records around its own transactions, one entry per store operation.
 * Figures are cumulative; compare two readings for a window.
 *
 * @param source     {@link #PG_STAT_STATEMENTS} or {@link #OPERATIONS}
 * @param statements the statements, most total time first
 * @param note       why the source is what it is (e.g. the extension is not installed), or empty
 */
public record StatementStats(String source, List<Statement> statements, String note) {

    /** Read from PostgreSQL's {@code pg_stat_statements} view. */
    public static final String PG_STAT_STATEMENTS = "pg_stat_statements";
    /** Timed by the store around each of its transactions. */
    public static final String OPERATIONS = "store operations";

    public StatementStats {
        statements = List.copyOf(statements);
    }

    /**
     * One statement, or one store operation.
     *
     * @param text        the statement as the source names it (normalised SQL, or {@code store operation 'claim'})
     * @param calls       executions so far
     * @param totalMillis time spent in them so far
     * @param maxMillis   the longest one so far
     */
    public record Statement(String text, long calls, double totalMillis, double maxMillis) {
    }
}
