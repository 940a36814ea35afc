package io.bulwark.jobs.store;

import io.bulwark.jobs.Job;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Where jobs live. Owned by bulwark-jobs; implemented by the in-memory store (bulwark-test), the
 * embedded SQLite store and, later, PostgreSQL and MariaDB. Every implementation passes the
 * same contract suite ({@code JobStoreContract} in bulwark-test).
 *
 * <h2>Rules every implementation keeps</h2>
 * <ul>
 *   <li><b>Batches.</b> Enqueue, claim, renew and complete take many jobs at once, so that a
 *       database pays one round trip and one commit per batch. A batch enqueue is all or
 *       nothing.</li>
 *   <li><b>Durability.</b> A method that returns has committed durably: an acknowledged enqueue
 *       survives a crash of the process.</li>
 *   <li><b>Time.</b> The store's own clock ({@link #now()}) decides run times and leases, never a
 *       caller's.</li>
 *   <li><b>Claim order.</b> Among due jobs of a queue, ascending {@code runAt + priority ×
 *       agingStep}: higher priority first, but a job that has waited {@code agingStep} longer
 *       counts as one priority level higher, so no priority starves.</li>
 *   <li><b>Fencing.</b> Each claim gives the attempt a token greater than any before it for that
 *       job; renewals and outcomes with another token change nothing.</li>
 *   <li><b>Idempotency.</b> An enqueue whose idempotency key matches an existing job (in any
 *       state, until it is pruned) returns that job instead of inserting, decided by a unique
 *       constraint rather than a look-up first, so concurrent enqueues cannot both insert.</li>
 *   <li><b>History.</b> Every state change is recorded with time, reason, node and attempt.</li>
 *   <li><b>Expiry.</b> A claim never hands out a job whose {@code expiresAt} has come by the
 *       store's clock; {@link #expireWaiting} ends such waiting jobs as expired.</li>
 * </ul>
 */
public interface JobStore extends AutoCloseable {

    /** The store's clock. */
    Instant now();

    /**
     * Inserts {@code jobs}, all or nothing, in order.
     *
     * @return one result per job, in the same order
     */
    List<Enqueued> enqueue(List<NewJob> jobs);

    /**
     * Claims up to {@code max} due jobs of {@code queue} for {@code node}: each becomes running,
     * its attempt counted, with a lease of {@code lease}.
     */
    List<Claim> claim(String queue, String node, int max, Duration lease);

    /** Extends the leases that are still held by {@code lease} from now. */
    List<Renewal> renew(Collection<Lease> leases, Duration lease);

    /**
     * Records how attempts ended, as one batch.
     *
     * @return for each outcome, in order, whether it was applied (false when its token was stale)
     */
    List<Boolean> complete(List<Outcome> outcomes);

    /**
     * {@link #complete} then {@link #claim}, in one transaction: the attempts that ended give up
     * their place at the same moment as the claimed jobs take one, so a node never holds more
     * running jobs in the store than its concurrency, and a worker pays one commit instead of two
     * for each turn of its loop. The claim sees what the outcomes did (a released job may be
     * claimed again at once). Either both happen or neither.
     *
     * @param max the most jobs to claim; 0 only records the outcomes
     */
    Settled completeAndClaim(List<Outcome> outcomes, String queue, String node, int max, Duration lease);

    /**
     * How many {@link #completeAndClaim} calls of one queue a worker should keep in flight at once:
     * 1 (the default) where the store commits one writer at a time, so that a second call would
     * only split the first one's commit in two; more where transactions commit side by side and a
     * worker's single call would leave the database waiting on the worker.
     */
    default int claimsInFlight() {
        return 1;
    }

    /**
     * Running jobs whose lease expired (their node died or stalled) become available again, or
     * dead when they have used every attempt.
     *
     * @return the rescued jobs, as they are now
     */
    List<Job> rescueExpired(String node, int max);

    /**
     * Waiting jobs (scheduled, available or retryable) whose {@code expiresAt} has come by the
     * store's clock end {@link io.bulwark.jobs.JobState#EXPIRED}, soonest deadline first, at most
     * {@code max}; a running attempt is never cut short (its job expires only if it waits again).
     * The history reason is {@link #expiredReason}.
     *
     * @return the expired jobs, as they are now, without history
     */
    List<Job> expireWaiting(int max);

    /** The history reason of a job that expired at {@code expiresAt}. */
    static String expiredReason(Instant expiresAt) {
        return "expired: still waiting at its expiresAt " + expiresAt;
    }

    /**
     * The running attempts of a node the leader declared dead: each job that {@code node} claimed
     * at or before {@code claimedBefore} (its attempt's start) becomes available again at once, or
     * dead when it has used every attempt, exactly as {@link #rescueExpired} treats an expired
     * lease, though its lease may not have expired yet. Oldest attempt first, at most {@code max}.
     * The history names the dead node and {@code rescuer}: {@code "node n1 died, rescued by n2"}.
     * The attempt's token is never reused, so a late renewal or outcome from the dead node is
     * refused. What {@code node} claimed after {@code claimedBefore} stays (it may have come back
     * and registered again).
     *
     * <pre>{@code
     * Instant declared = cluster.markDead(List.of(node), term);
     * List<Job> rescued;
     * do {
     *     rescued = jobs.rescueNode(node, declared, self, 500);
     * } while (rescued.size() == 500);
     * }</pre>
     *
     * @return the rescued jobs, as they are now, without history
     */
    List<Job> rescueNode(String node, Instant claimedBefore, String rescuer, int max);

    /** The job, with its history, if it exists. */
    Optional<Job> get(UUID id);

    /** Jobs matching {@code query}, newest first, without history. */
    List<Job> list(JobQuery query);

    /**
     * Cancels a job. Scheduled, available and retryable jobs end cancelled at once; a running job
     * is flagged so that its worker sees the request on its next renewal and stops it.
     *
     * @return the job as it is now, or empty when it does not exist
     */
    Optional<Job> cancel(UUID id, String reason);

    /**
     * Runs a dead, cancelled, expired or completed job again: it becomes available with one more
     * attempt allowed, keeping its id and history, and no longer expires.
     *
     * @return the job as it is now; empty when it does not exist
     * @throws IllegalStateException when the job is not in one of those states
     */
    Optional<Job> retry(UUID id, String reason);

    /** The error {@link #retry} throws for a job in {@code state}, which is not final. */
    static IllegalStateException notRetryable(UUID id, io.bulwark.jobs.JobState state) {
        return new IllegalStateException("job " + id + " is " + state.id()
                + "; only dead, cancelled, expired or completed jobs can be retried");
    }

    /** Runs again every dead job of {@code queue} (or only {@code ids} when not empty); returns how many. */
    int retryDead(String queue, Collection<UUID> ids);

    /** Deletes every dead job of {@code queue}; returns how many. */
    int purgeDead(String queue);

    /** Deletes up to {@code limit} jobs that finished before {@code finishedBefore}; returns how many. */
    int prune(Instant finishedBefore, int limit);

    /** What each queue holds. */
    List<QueueCounts> counts();

    @Override
    void close();
}
