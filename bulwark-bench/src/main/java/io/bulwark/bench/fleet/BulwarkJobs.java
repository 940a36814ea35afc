package io.bulwark.bench.fleet;

import io.bulwark.core.ids.Uuid7;
import io.bulwark.jdbc.database.DatabaseJobStore;
import io.bulwark.jdbc.database.DatabaseOptions;
import io.bulwark.jobs.QueueSettings;
import io.bulwark.jobs.store.NewJob;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * The harness's own {@link DatabaseJobStore} on a run's schema: opening it applies Bulwark's
 * migrations, so the tables exist before any worker starts, and it enqueues the run's jobs in
 * batches with {@link DatabaseJobStore#enqueue(List)}, the store call every enqueue ends in.
 */
final class BulwarkJobs implements AutoCloseable {

    static final String QUEUE = "bench";
    static final String NOOP = "builtin.noop";
    static final String SLEEP = "builtin.sleep";
    static final String REMAINING = "SELECT count(*) FROM bulwark_jobs WHERE queue = 'bench' "
            + "AND state IN ('scheduled', 'available', 'running', 'retryable')";
    static final String COMPLETED = "SELECT count(*) FROM bulwark_jobs WHERE queue = 'bench' AND state = 'completed'";

    private final DatabaseJobStore store;
    private final Uuid7 ids = new Uuid7(InstantSource.system(), RandomGenerator.getDefault());

    private BulwarkJobs(DatabaseJobStore store) {
        this.store = store;
    }

    /** Opens (and migrates) the store on {@code url}. */
    static BulwarkJobs open(String url, String user) {
        return new BulwarkJobs(DatabaseJobStore.open(DatabaseOptions.builder(url).user(user).build()));
    }

    /**
     * Enqueues {@code jobs} jobs of {@code type} with {@code payload} in queue {@value #QUEUE}, with
     * the queue defaults, {@code batch} per call; the seconds it took.
     */
    double enqueue(int jobs, int batch, String type, String payload) {
        QueueSettings s = QueueSettings.DEFAULT;
        long t0 = System.nanoTime();
        List<NewJob> chunk = new ArrayList<>(batch);
        for (int done = 0; done < jobs; done += chunk.size()) {
            chunk.clear();
            for (int i = 0; i < Math.min(batch, jobs - done); i++) {
                chunk.add(new NewJob(ids.next(), QUEUE, type, payload, s.priority(), null, s.maxAttempts(), s.backoff(),
                        s.timeout(), null, Set.of()));
            }
            store.enqueue(chunk);
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    @Override
    public void close() {
        store.close();
    }
}
