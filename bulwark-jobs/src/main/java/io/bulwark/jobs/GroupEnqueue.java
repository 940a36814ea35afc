package io.bulwark.jobs;

import io.bulwark.jobs.store.Enqueued;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Group commit for enqueues made one at a time by many threads (a broker's concurrent handlers):
 * each {@link #enqueue} waits for its job to be durably enqueued, as {@link JobClient#enqueue}
 * does, but the requests waiting at the same moment go to the store together, in one
 * {@link JobClient#enqueueAll} and so one commit. A lone caller waits no longer than a direct
 * enqueue (plus one hand-off to the committing thread); under load a commit carries up to
 * {@code maxBatch} jobs.
 *
 * <p>Design notes. One virtual thread commits: it takes what is waiting (up to {@code maxBatch}),
 * enqueues it, and answers each caller. A batch is all or nothing, so a batch the store refuses as
 * invalid ({@link IllegalArgumentException}: a payload too large, say) is tried again one request
 * at a time, so that only the bad request fails; any other failure (the store down, a full queue)
 * fails the whole batch, and each caller sees it as its own enqueue would have. Two requests of a
 * batch with the same idempotency key would be one job anyway; the second is sent in a later batch,
 * where the store answers it with the first's job (replayed).
 */
public final class GroupEnqueue implements AutoCloseable {

    /** A caller's request, with the trace context it was made in (its job continues that trace). */
    private record Pending(JobRequest request, CompletableFuture<Enqueued> result, io.opentelemetry.context.Context context) {
    }

    private final JobClient jobs;
    private final int maxBatch;
    private final LinkedBlockingQueue<Pending> waiting = new LinkedBlockingQueue<>();
    private final Thread committer;
    private volatile boolean closed;

    /** Commits {@code jobs}' enqueues in batches of at most {@code maxBatch}. */
    public GroupEnqueue(JobClient jobs, int maxBatch) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be >= 1 but was " + maxBatch);
        }
        this.jobs = Objects.requireNonNull(jobs, "jobs");
        this.maxBatch = maxBatch;
        this.committer = Thread.ofVirtual().name("bulwark-group-enqueue").start(this::run);
    }

    /**
     * Enqueues {@code request}, returning when it is durably enqueued.
     *
     * @throws QueueFullException, IllegalArgumentException and the store's failures, as
     *         {@link JobClient#enqueue} would
     * @throws IllegalStateException when closed
     */
    public Enqueued enqueue(JobRequest request) {
        Objects.requireNonNull(request, "request");
        if (closed) {
            throw new IllegalStateException("the group enqueue is closed");
        }
        Pending p = new Pending(request, new CompletableFuture<>(), io.opentelemetry.context.Context.current());
        waiting.add(p);
        if (closed) {
            // Closed meanwhile: the committer may be gone; answer now rather than wait for ever.
            p.result.completeExceptionally(new IllegalStateException("the group enqueue is closed"));
        }
        try {
            return p.result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while enqueueing", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new CompletionException(e.getCause());
        }
    }

    private void run() {
        List<Pending> batch = new ArrayList<>(maxBatch);
        while (!closed || !waiting.isEmpty()) {
            try {
                Pending first = waiting.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                waiting.drainTo(batch, maxBatch - 1);
            } catch (InterruptedException e) {
                if (closed) {
                    break;
                }
                continue;
            }
            commit(batch);
            batch.clear();
        }
        Pending left;
        while ((left = waiting.poll()) != null) {
            left.result.completeExceptionally(new IllegalStateException("the group enqueue is closed"));
        }
    }

    private void commit(List<Pending> batch) {
        // One request per idempotency key in a batch; a repeat goes to the next batch.
        List<Pending> now = new ArrayList<>(batch.size());
        Map<String, Boolean> keys = new HashMap<>();
        for (Pending p : batch) {
            String key = p.request.idempotencyKey();
            if (key != null && keys.putIfAbsent(key, Boolean.TRUE) != null) {
                waiting.add(p);
            } else {
                now.add(p);
            }
        }
        try {
            List<Enqueued> out = jobs.enqueueAll(now.stream().map(Pending::request).toList(),
                    now.stream().map(Pending::context).toList());
            for (int i = 0; i < now.size(); i++) {
                now.get(i).result.complete(out.get(i));
            }
        } catch (IllegalArgumentException e) {
            if (now.size() == 1) {
                now.get(0).result.completeExceptionally(e);
                return;
            }
            for (Pending p : now) {
                try (io.opentelemetry.context.Scope ignored = p.context.makeCurrent()) {
                    p.result.complete(jobs.enqueue(p.request));
                } catch (RuntimeException one) {
                    p.result.completeExceptionally(one);
                }
            }
        } catch (RuntimeException | Error e) {
            now.forEach(p -> p.result.completeExceptionally(e));
        }
    }

    /** Requests waiting for the next commit (for tests). */
    int waiting() {
        return waiting.size();
    }

    /** Commits what is waiting, then stops; later enqueues are refused. */
    @Override
    public void close() {
        closed = true;
        try {
            committer.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
