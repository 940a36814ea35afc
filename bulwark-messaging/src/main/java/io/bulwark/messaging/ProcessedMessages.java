package io.bulwark.messaging;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Handles each message once per consumer, however often the broker delivers it: the record that a
 * message was handled is written in the same database transaction as the handler's own writes, so
 * either both commit or neither does (a transactional inbox). Delivery stays at least once; the
 * effects become exactly once.
 *
 * <pre>{@code
 * ProcessedMessages processed = ProcessedMessages.on(dataSource);    // creates its table if missing
 * broker.subscribe("orders", "billing", processed.once("billing", (delivery, tx) -> {
 *     try (PreparedStatement ps = tx.prepareStatement("INSERT INTO invoices (order_id) VALUES (?)")) {
 *         ps.setString(1, delivery.json(Order.class).id());
 *         ps.executeUpdate();
 *     }
 * }), SubscribeOptions.defaults());
 * }</pre>
 *
 * <p>Per delivery: begin a transaction, insert {@code (consumer, message id)} into the table; if
 * the row is already there the message was handled, so commit and return (the broker acknowledges
 * it); else run the handler on the same connection and commit. A handler that throws rolls both
 * back and the message is delivered again. Two deliveries of one message at once (a redelivery
 * while the first is still running) meet at the table's primary key: the second insert waits for the
 * first transaction and then finds the row. Works on PostgreSQL, MariaDB/MySQL and SQLite.
 * Rows are kept until {@link #prune}: keep them longer than the broker may redeliver.
 */
public final class ProcessedMessages {

    /** The table's default name. */
    public static final String TABLE = "bulwark_processed_messages";
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    /** The handler's work, on the transaction that also records the message as handled. */
    @FunctionalInterface
    public interface TransactionalHandler {
        void handle(Delivery delivery, Connection tx) throws Exception;
    }

    private enum Dialect { POSTGRESQL, MARIADB, SQLITE }

    private final DataSource dataSource;
    private final String table;
    private final Clock clock;
    private final Dialect dialect;
    private final String insert;

    private ProcessedMessages(DataSource dataSource, String table, Clock clock) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        if (!NAME.matcher(table).matches()) {
            throw new IllegalArgumentException("table must be 1 to 63 letters, digits or '_', not starting with a digit, "
                    + "but was '" + table + "'");
        }
        this.table = table;
        this.clock = clock;
        try (Connection c = dataSource.getConnection()) {
            this.dialect = dialect(c.getMetaData().getDatabaseProductName());
            this.insert = insert();
            try (Statement st = c.createStatement()) {
                st.execute(createTable());
            }
            if (!c.getAutoCommit()) {
                c.commit();
            }
        } catch (SQLException e) {
            throw new MessagingException("cannot create the processed-messages table " + table + ": " + e.getMessage(), e);
        }
    }

    /** On {@code dataSource}, table {@value #TABLE}, created if missing. */
    public static ProcessedMessages on(DataSource dataSource) {
        return new ProcessedMessages(dataSource, TABLE, Clock.systemUTC());
    }

    /** On {@code dataSource} with a table of its own name, created if missing, and a clock for {@code processed_at}. */
    public static ProcessedMessages on(DataSource dataSource, String table, Clock clock) {
        return new ProcessedMessages(dataSource, table, clock);
    }

    private static Dialect dialect(String product) {
        String p = product.toLowerCase(Locale.ROOT);
        if (p.contains("postgres")) {
            return Dialect.POSTGRESQL;
        }
        if (p.contains("mariadb") || p.contains("mysql")) {
            return Dialect.MARIADB;
        }
        if (p.contains("sqlite")) {
            return Dialect.SQLITE;
        }
        throw new IllegalArgumentException("the processed-messages table works on PostgreSQL, MariaDB/MySQL and SQLite, "
                + "not " + product);
    }

    private String createTable() {
        return switch (dialect) {
            case POSTGRESQL -> "CREATE TABLE IF NOT EXISTS " + table + " (consumer text COLLATE \"C\" NOT NULL, "
                    + "message_id text COLLATE \"C\" NOT NULL, processed_at bigint NOT NULL, "
                    + "PRIMARY KEY (consumer, message_id))";
            // Binary: ids that differ in case or trailing spaces are different messages.
            case MARIADB -> "CREATE TABLE IF NOT EXISTS " + table + " (consumer VARBINARY(255) NOT NULL, "
                    + "message_id VARBINARY(255) NOT NULL, processed_at BIGINT NOT NULL, "
                    + "PRIMARY KEY (consumer, message_id), KEY " + table + "_at (processed_at)) ENGINE = InnoDB";
            case SQLITE -> "CREATE TABLE IF NOT EXISTS " + table + " (consumer TEXT NOT NULL, message_id TEXT NOT NULL, "
                    + "processed_at INTEGER NOT NULL, PRIMARY KEY (consumer, message_id)) WITHOUT ROWID";
        };
    }

    private String insert() {
        return switch (dialect) {
            case POSTGRESQL, SQLITE -> "INSERT INTO " + table + " (consumer, message_id, processed_at) VALUES (?, ?, ?) "
                    + "ON CONFLICT DO NOTHING";
            case MARIADB -> "INSERT IGNORE INTO " + table + " (consumer, message_id, processed_at) VALUES (?, ?, ?)";
        };
    }

    /**
     * A handler that runs {@code handler} at most once per message id for {@code consumer} (name it
     * after the group: two groups handling one message are two consumers).
     */
    public MessageHandler once(String consumer, TransactionalHandler handler) {
        if (consumer == null || consumer.isBlank() || consumer.length() > 255) {
            throw new IllegalArgumentException("consumer must be 1 to 255 characters but was '" + consumer + "'");
        }
        Objects.requireNonNull(handler, "handler");
        return delivery -> handleOnce(consumer, handler, delivery);
    }

    private void handleOnce(String consumer, TransactionalHandler handler, Delivery delivery) throws Exception {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                int inserted;
                try (PreparedStatement ps = c.prepareStatement(insert)) {
                    ps.setString(1, consumer);
                    ps.setString(2, delivery.id());
                    ps.setLong(3, clock.millis());
                    inserted = ps.executeUpdate();
                }
                if (inserted == 1) {
                    handler.handle(delivery, c);
                }
                c.commit();
            } catch (Exception | Error e) {
                try {
                    c.rollback();
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            } finally {
                try {
                    c.setAutoCommit(autoCommit);
                } catch (SQLException ignored) {
                    // the connection is going back to its pool broken; the pool will drop it
                }
            }
        }
    }

    /** Whether {@code consumer} handled message {@code messageId}. */
    public boolean handled(String consumer, String messageId) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + table + " WHERE consumer = ? AND message_id = ?")) {
            ps.setString(1, consumer);
            ps.setString(2, messageId);
            try (var rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new MessagingException("cannot read the processed-messages table " + table + ": " + e.getMessage(), e);
        }
    }

    /** Deletes the records of messages handled before {@code before}; returns how many. */
    public int prune(Instant before) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE processed_at < ?")) {
            ps.setLong(1, before.toEpochMilli());
            int n = ps.executeUpdate();
            if (!c.getAutoCommit()) {
                c.commit();
            }
            return n;
        } catch (SQLException e) {
            throw new MessagingException("cannot prune the processed-messages table " + table + ": " + e.getMessage(), e);
        }
    }
}
