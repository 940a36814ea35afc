package io.bulwark.jdbc.database;

import io.bulwark.jdbc.database.internal.Tx;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * {@code LISTEN bulwark_jobs} on a connection of its own: each notification carries the queue of
 * a job that became ready, and is handed to the callback. The connection waits in
 * {@code getNotifications(timeout)}, so an idle listener costs one idle connection and no queries.
 * When the connection fails it reconnects with a capped back-off, logging once per outage; the
 * workers' polling covers the gap.
 */
final class Listener implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Listener.class);
    private static final int WAIT_MS = 1_000;
    private static final long MAX_BACKOFF_MS = 30_000;

    private final DatabaseOptions options;
    private final Consumer<String> onReady;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition stopping = lock.newCondition();
    private volatile boolean stopped;
    private volatile Connection connection;
    private Thread thread;

    private Listener(DatabaseOptions options, Consumer<String> onReady) {
        this.options = options;
        this.onReady = onReady;
    }

    static Listener start(DatabaseOptions options, Consumer<String> onReady, ThreadFactory threads) {
        Listener l = new Listener(options, onReady);
        l.thread = threads.newThread(l::run);
        l.thread.start();
        return l;
    }

    private void run() {
        long backoff = 100;
        boolean failing = false;
        while (!stopped) {
            try (Connection c = connect()) {
                connection = c;
                try (Statement st = c.createStatement()) {
                    st.execute("LISTEN " + Tx.CHANNEL);
                }
                if (failing) {
                    LOG.info("Listening for ready jobs on PostgreSQL again");
                    failing = false;
                }
                backoff = 100;
                PGConnection pg = c.unwrap(PGConnection.class);
                while (!stopped) {
                    PGNotification[] batch = pg.getNotifications(WAIT_MS);
                    if (batch != null) {
                        for (PGNotification n : batch) {
                            deliver(n.getParameter());
                        }
                    }
                }
            } catch (SQLException e) {
                if (stopped) {
                    return;
                }
                if (!failing) {
                    LOG.warn("Lost the PostgreSQL connection that listens for ready jobs ({}); workers poll every "
                            + "jobs.pollInterval meanwhile, and it reconnects by itself", e.getMessage());
                    failing = true;
                }
                pause(backoff);
                backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
            } finally {
                connection = null;
            }
        }
    }

    private void deliver(String queue) {
        try {
            onReady.accept(queue);
        } catch (RuntimeException e) {
            LOG.warn("The wake-up callback failed for queue {}; the next poll picks the job up", queue, e);
        }
    }

    private Connection connect() throws SQLException {
        Properties p = new Properties();
        if (options.user() != null) {
            p.setProperty("user", options.user());
        }
        if (options.password() != null) {
            p.setProperty("password", options.password());
        }
        p.setProperty("ApplicationName", "bulwark-listener");
        p.setProperty("tcpKeepAlive", "true");
        Connection c = DriverManager.getConnection(options.url(), p);
        c.setAutoCommit(true);
        return c;
    }

    /** Waits {@code ms} unless {@link #close} comes first. */
    private void pause(long ms) {
        lock.lock();
        try {
            if (!stopped) {
                stopping.await(ms, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped = true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        stopped = true;
        lock.lock();
        try {
            stopping.signalAll();
        } finally {
            lock.unlock();
        }
        Connection c = connection;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // Closing ends the wait in getNotifications; an error here changes nothing.
            }
        }
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
