package io.bulwark.jdbc.sqlite.internal;

import io.bulwark.jdbc.StoreException;
import io.bulwark.jdbc.sqlite.WriteStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The one writer of an SQLite database, with group commit.
 *
 * <h2>Design notes</h2>
 * SQLite lets one transaction write at a time, and in {@code synchronous=FULL} each commit costs
 * an fsync (a millisecond or more), so one commit per caller caps the store at about a thousand
 * writes a second whatever the number of callers. Here every write is a task on a queue; one loop,
 * on a thread from the caller's {@link ThreadFactory}, takes every task waiting (up to
 * {@code maxBatch}), runs them in <em>one</em> transaction, commits once, and only then completes
 * each caller's future. Callers that arrive while a commit is on disk form the next batch, so the
 * batch grows with the load and a lone caller never waits for company.
 * <ul>
 *   <li><b>Isolation of tasks.</b> Each task runs inside a savepoint: a task that throws (a
 *       duplicate id, a job in the wrong state) is rolled back alone and its caller gets the
 *       exception, while the others in the batch commit.</li>
 *   <li><b>Acknowledgement after commit.</b> No future completes before the COMMIT that holds
 *       its work returns, which is what makes an acknowledged write durable. When the commit
 *       fails, every task of the batch fails.</li>
 *   <li><b>Ordering.</b> Tasks run in queue order, so one caller's writes apply in the order it
 *       made them, and each sees the effects of all earlier tasks.</li>
 *   <li><b>Closing.</b> {@code gate} orders submission against close: submitters hold its read
 *       lock while they enqueue, close takes the write lock, so no task can land behind the stop
 *       marker and wait forever. Tasks queued before close still run.</li>
 * </ul>
 */
public final class GroupCommitWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);
    private static final String STORE = "SQLite job store";

    /** One write operation, run on the writer's connection inside the batch's transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Session session) throws SQLException;
    }

    private static final class Task<T> {
        final String operation;
        final Work<T> work;
        final CompletableFuture<T> done = new CompletableFuture<>();
        T result;
        Throwable error;

        Task(String operation, Work<T> work) {
            this.operation = operation;
            this.work = work;
        }

        void run(Session session) throws SQLException {
            result = work.run(session);
        }

        void finish() {
            if (error == null) {
                done.complete(result);
            } else {
                done.completeExceptionally(error);
            }
        }
    }

    private final Session session;
    private final String location;
    private final int maxBatch;
    private final BlockingQueue<Task<?>> queue;
    private final Task<Void> stop = new Task<>("stop", s -> null);
    private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();
    private boolean closed; // guarded by gate
    private volatile Throwable died;
    private final CountDownLatch finished = new CountDownLatch(1);
    private final AtomicLong operations = new AtomicLong();
    private final AtomicLong commits = new AtomicLong();
    private final AtomicInteger largestBatch = new AtomicInteger();

    private GroupCommitWriter(Session session, String location, int maxBatch, int capacity) {
        this.session = session;
        this.location = location;
        this.maxBatch = maxBatch;
        this.queue = new ArrayBlockingQueue<>(capacity);
    }

    /** Starts the writer loop on a new thread from {@code threads}; it owns {@code session} from now on. */
    public static GroupCommitWriter start(Session session, String location, int maxBatch, int capacity,
                                          ThreadFactory threads) {
        GroupCommitWriter writer = new GroupCommitWriter(session, location, maxBatch, capacity);
        Thread t = threads.newThread(writer::loop);
        if (t == null) {
            throw new IllegalStateException("the thread factory refused to make the writer thread of " + STORE + " "
                    + location);
        }
        t.start();
        return writer;
    }

    /**
     * Runs {@code work} in the next batch and returns its result once the batch has committed.
     *
     * @throws StoreException when the database fails (the message names {@code operation})
     * @throws IllegalStateException when the store is closed
     */
    public <T> T call(String operation, Work<T> work) {
        Task<T> task = new Task<>(operation, work);
        gate.readLock().lock();
        try {
            if (closed) {
                Throwable cause = died;
                if (cause != null) {
                    throw new StoreException(STORE, location, operation, "the writer stopped on " + cause, cause);
                }
                throw new IllegalStateException(STORE + " " + location + " is closed; " + operation + " refused");
            }
            queue.put(task);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException(STORE, location, operation, "interrupted while waiting for room in the write "
                    + "queue (" + queue.size() + " writes waiting); nothing was written", e);
        } finally {
            gate.readLock().unlock();
        }
        try {
            return task.done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException(STORE, location, operation, "interrupted while waiting for the commit; the "
                    + "write may still be committed", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw failure(operation, cause);
        }
    }

    public WriteStats stats() {
        return new WriteStats(operations.get(), commits.get(), largestBatch.get(), queue.size());
    }

    private void loop() {
        List<Task<?>> batch = new ArrayList<>(maxBatch);
        try {
            boolean stopping = false;
            while (!stopping) {
                batch.add(takeUninterruptibly());
                queue.drainTo(batch, maxBatch - 1);
                // The stop marker is always last: nothing can be queued behind it (see gate).
                if (batch.getLast() == stop) {
                    batch.removeLast();
                    stopping = true;
                }
                if (!batch.isEmpty()) {
                    runBatch(batch);
                }
                batch.clear();
            }
        } catch (RuntimeException | Error e) {
            died = e;
            LOG.error("The writer of {} {} stopped on an unexpected error; every write from now on fails until the "
                    + "store is reopened (committed data is safe)", STORE, location, e);
            for (Task<?> t : batch) {
                failIfPending(t, e);
            }
            refuseEverything(e);
        } finally {
            try {
                session.close();
            } catch (SQLException e) {
                LOG.warn("Closing the writer connection of {} {} failed; SQLite recovers the WAL on the next open",
                        STORE, location, e);
            }
            finished.countDown();
        }
    }

    private Task<?> takeUninterruptibly() {
        while (true) {
            try {
                return queue.take();
            } catch (InterruptedException e) {
                LOG.warn("The writer thread of {} {} was interrupted; it keeps running until the store is closed",
                        STORE, location);
            }
        }
    }

    private void runBatch(List<Task<?>> batch) {
        try {
            session.begin();
        } catch (SQLException e) {
            session.rollbackQuietly();
            failAll(batch, e);
            return;
        }
        for (Task<?> task : batch) {
            try {
                session.savepoint();
                task.run(session);
                session.releaseSavepoint();
            } catch (SQLException | RuntimeException e) {
                task.error = e instanceof SQLException sql ? failure(task.operation, sql) : e;
                try {
                    session.rollbackToSavepoint();
                } catch (SQLException rollbackFailed) {
                    // SQLite already rolled the whole transaction back (I/O error, disk full): nothing of
                    // this batch can commit.
                    session.rollbackQuietly();
                    rollbackFailed.addSuppressed(e);
                    failAll(batch, rollbackFailed);
                    return;
                }
            }
        }
        try {
            session.commit();
        } catch (SQLException e) {
            session.rollbackQuietly();
            failAll(batch, e);
            return;
        }
        operations.addAndGet(batch.size());
        commits.incrementAndGet();
        largestBatch.accumulateAndGet(batch.size(), Math::max);
        for (Task<?> task : batch) {
            task.finish();
        }
    }

    private void failAll(List<Task<?>> batch, SQLException e) {
        LOG.warn("A batch of {} writes to {} {} was rolled back: {}; each caller gets the error and may retry",
                batch.size(), STORE, location, e.getMessage());
        for (Task<?> task : batch) {
            task.error = failure(task.operation, e);
            task.finish();
        }
    }

    private StoreException failure(String operation, Throwable e) {
        return new StoreException(STORE, location, operation, String.valueOf(e.getMessage()), e);
    }

    private static void failIfPending(Task<?> task, Throwable cause) {
        if (!task.done.isDone()) {
            task.done.completeExceptionally(cause);
        }
    }

    /**
     * After the loop died: fails what is queued and closes the gate. Waiting callers may hold the
     * read lock while they block on a full queue, so the queue is drained between attempts to lock.
     */
    private void refuseEverything(Throwable cause) {
        StoreException refused = new StoreException(STORE, location, "write", "the writer stopped", cause);
        try {
            while (!gate.writeLock().tryLock(10, TimeUnit.MILLISECONDS)) {
                drainAndFail(refused);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            drainAndFail(refused);
            return;
        }
        try {
            closed = true;
            drainAndFail(refused);
        } finally {
            gate.writeLock().unlock();
        }
    }

    private void drainAndFail(Throwable cause) {
        List<Task<?>> left = new ArrayList<>();
        queue.drainTo(left);
        for (Task<?> t : left) {
            failIfPending(t, cause);
        }
    }

    private void putUninterruptibly(Task<?> task) {
        boolean interrupted = false;
        while (true) {
            try {
                queue.put(task);
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs every write already queued, then stops the loop and closes the connection. */
    @Override
    public void close() {
        gate.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            putUninterruptibly(stop); // the loop keeps draining, so room comes
        } finally {
            gate.writeLock().unlock();
        }
        boolean interrupted = false;
        while (true) {
            try {
                finished.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
