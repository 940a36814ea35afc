package io.bulwark.scheduler.store;

import io.bulwark.cluster.store.NotLeaderException;
import io.bulwark.cluster.Term;
import io.bulwark.scheduler.Firing;
import io.bulwark.scheduler.Schedule;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where schedules and their firings are kept. Owned by bulwark-scheduler; implemented in memory
 * ({@link InMemoryScheduleStore}) and on every JDBC store (SQLite, PostgreSQL, MariaDB), each
 * passing {@code ScheduleStoreContract} from bulwark-test.
 *
 * <h2>Semantics every implementation keeps</h2>
 * <ul>
 *   <li><b>Time.</b> {@link #now()} is the store's clock; it stamps rows and firings.</li>
 *   <li><b>One record per tick.</b> Firings are unique by {@code (schedule, tick)}.</li>
 *   <li><b>Leader-only advance.</b> {@link #advance} and {@link #release} carry the leader's
 *       {@link Term}; the store checks in the same transaction that it is still the current,
 *       unexpired term (the cluster store's leader row, on the same database) and changes nothing
 *       otherwise ({@link NotLeaderException}).</li>
 *   <li><b>Compare and set.</b> {@link #advance} applies only when the schedule still has the
 *       version and the next tick the caller read, so two passes over one tick (an old leader and
 *       a new one) record it once.</li>
 *   <li><b>Deleting a schedule</b> deletes its firings.</li>
 * </ul>
 */
public interface ScheduleStore extends AutoCloseable {

    /** The store's clock. */
    Instant now();

    /** Every schedule, by name. */
    List<ScheduleRow> list();

    /** The schedule {@code name}. */
    Optional<ScheduleRow> get(String name);

    /**
     * Inserts {@code schedule} or replaces the one with its name: the version grows by one,
     * {@code createdAt} stays on a replace.
     *
     * @param source {@link ScheduleRow#CONFIG} or {@link ScheduleRow#API}
     * @param nextAt its first tick to handle, or null when it has none left
     * @throws IllegalArgumentException when {@code source} is neither
     */
    ScheduleRow save(Schedule schedule, String source, Instant nextAt);

    /** Deletes the schedule {@code name} and its firings; false when there was none. */
    boolean delete(String name);

    /**
     * The leader's pass over one schedule: records {@code firings} and moves the schedule's next
     * tick to {@code nextAt}, all or nothing, only if the schedule is still at {@code version}
     * with next tick {@code expectedNextAt}.
     *
     * @return false, changing nothing, when the schedule changed or was deleted meanwhile, or a firing's tick
     *         is already recorded
     * @throws NotLeaderException when {@code term} is not the current term; nothing changed
     * @throws IllegalArgumentException when a firing is of another schedule, or two are at one tick
     */
    boolean advance(String name, long version, Instant expectedNextAt, List<Firing> firings, Instant nextAt, Term term);

    /**
     * A {@link io.bulwark.scheduler.FiringState#QUEUED} firing becomes fired with {@code ref} at
     * {@code at}.
     *
     * @return false when there is no queued firing at that tick
     * @throws NotLeaderException when {@code term} is not the current term; nothing changed
     */
    boolean release(String name, Instant tick, String ref, Instant at, Term term);

    /**
     * Records a firing made outside the leader's pass (a manual trigger, from any node).
     *
     * @return false when a firing at that tick is already recorded
     */
    boolean record(Firing firing);

    /**
     * The schedule's most recent firings, newest tick first, up to {@code limit}.
     *
     * @throws IllegalArgumentException when {@code limit} is negative
     */
    List<Firing> firings(String name, int limit);

    /** The most recent firing that started a run (fired or triggered), if any. */
    Optional<Firing> lastStarted(String name);

    /** The queued firing of the schedule, if one waits. */
    Optional<Firing> queued(String name);

    /** Deletes firings recorded before {@code before}; returns how many. */
    int pruneFirings(Instant before);

    @Override
    void close();
}
