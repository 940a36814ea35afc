package io.bulwark.jdbc.internal.schedule;

import io.bulwark.cluster.Term;
import io.bulwark.jdbc.internal.cluster.ClusterTx;
import io.bulwark.jdbc.internal.cluster.LeaderRows;
import io.bulwark.scheduler.Firing;
import io.bulwark.scheduler.Schedule;
import io.bulwark.scheduler.ScheduleJson;
import io.bulwark.scheduler.store.ScheduleRow;
import io.bulwark.scheduler.store.ScheduleStore;
import io.bulwark.scheduler.store.StoreArguments;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@link ScheduleStore} of a JDBC store, whichever: the argument checks and the SQL
 * ({@link ScheduleRows}, {@link FiringRows}) are here; a subclass says how a call gets its
 * transaction, as for the cluster store, whose leader row it checks terms against. It lives and
 * closes with its job store: {@link #close()} does nothing.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li><b>Fenced.</b> {@link #advance} and {@link #release} first check the term with
 *       {@link LeaderRows#requireCurrent} in their own transaction: the leader's row stays
 *       share-locked until it commits, so no election can come between the check and the write.</li>
 *   <li><b>All or nothing.</b> {@link #advance} moves the next tick by a conditional UPDATE, then
 *       inserts its firings; a firing whose tick is taken throws {@link TickTaken} out of the
 *       transaction, which rolls the UPDATE and the firings before it back, and the caller gets
 *       {@code false}.</li>
 *   <li><b>Triggers</b> ({@link #record}) share-lock the schedule's row while they insert, so a
 *       schedule being deleted is either gone (false) or keeps the firing until it goes.</li>
 * </ul>
 */
public final class JdbcScheduleStore implements ScheduleStore {

    /** Thrown out of an advance's transaction to roll it back when a firing's tick is recorded already. */
    private static final class TickTaken extends RuntimeException {
        TickTaken(Firing f) {
            super("schedule " + f.schedule() + " has a firing at " + f.tick() + " already", null, false, false);
        }
    }

    private final ClusterTx.Runner tables;
    private final java.util.function.Supplier<String> name;

    /**
     * @param tables how the job store runs these tables' transactions
     * @param name what {@link #toString()} says, asked each time
     */
    public JdbcScheduleStore(ClusterTx.Runner tables, java.util.function.Supplier<String> name) {
        this.tables = Objects.requireNonNull(tables, "tables");
        this.name = Objects.requireNonNull(name, "name");
    }

    private <T> T write(String operation, ClusterTx.Work<T> work) {
        return tables.write(operation, work);
    }

    private <T> T read(String operation, ClusterTx.Work<T> work) {
        return tables.read(operation, work);
    }

    @Override
    public Instant now() {
        return tables.now();
    }

    @Override
    public String toString() {
        return name.get();
    }

    @Override
    public List<ScheduleRow> list() {
        return read("schedules.list", ScheduleRows::list);
    }

    @Override
    public Optional<ScheduleRow> get(String name) {
        Objects.requireNonNull(name, "name must be set");
        return read("schedules.get", t -> ScheduleRows.get(t, name));
    }

    @Override
    public ScheduleRow save(Schedule schedule, String source, Instant nextAt) {
        Objects.requireNonNull(schedule, "schedule must be set");
        StoreArguments.requireSource(source);
        String definition = ScheduleJson.write(schedule).toString();
        return write("schedules.save", t -> ScheduleRows.save(t, schedule, definition, source, nextAt));
    }

    @Override
    public boolean delete(String name) {
        Objects.requireNonNull(name, "name must be set");
        return write("schedules.delete", t -> ScheduleRows.delete(t, name));
    }

    @Override
    public boolean advance(String name, long version, Instant expectedNextAt, List<Firing> firings, Instant nextAt,
                                 Term term) {
        StoreArguments.requireFiringsOf(name, firings);
        Objects.requireNonNull(term, "term must be set");
        List<Firing> batch = List.copyOf(firings);
        try {
            return write("schedules.advance", t -> {
                LeaderRows.requireCurrent(t, term);
                if (!ScheduleRows.advance(t, name, version, expectedNextAt, nextAt)) {
                    return false;
                }
                for (Firing f : batch) {
                    if (!FiringRows.insert(t, f)) {
                        throw new TickTaken(f);
                    }
                }
                return true;
            });
        } catch (TickTaken e) {
            return false;
        }
    }

    @Override
    public boolean release(String name, Instant tick, String ref, Instant at, Term term) {
        Objects.requireNonNull(name, "name must be set");
        Objects.requireNonNull(tick, "tick must be set");
        Objects.requireNonNull(at, "at must be set");
        Objects.requireNonNull(term, "term must be set");
        return write("schedules.release", t -> {
            LeaderRows.requireCurrent(t, term);
            return FiringRows.release(t, name, tick, ref, at);
        });
    }

    @Override
    public boolean record(Firing firing) {
        Objects.requireNonNull(firing, "firing must be set");
        return write("schedules.record", t -> ScheduleRows.lockShared(t, firing.schedule()) && FiringRows.insert(t, firing));
    }

    @Override
    public List<Firing> firings(String name, int limit) {
        Objects.requireNonNull(name, "name must be set");
        StoreArguments.requireLimit(limit);
        return limit == 0 ? List.of() : read("schedules.firings", t -> FiringRows.newestFirst(t, name, limit));
    }

    @Override
    public Optional<Firing> lastStarted(String name) {
        Objects.requireNonNull(name, "name must be set");
        return read("schedules.lastStarted", t -> FiringRows.lastStarted(t, name));
    }

    @Override
    public Optional<Firing> queued(String name) {
        Objects.requireNonNull(name, "name must be set");
        return read("schedules.queued", t -> FiringRows.queued(t, name));
    }

    @Override
    public int pruneFirings(Instant before) {
        Objects.requireNonNull(before, "before must be set");
        return write("schedules.pruneFirings", t -> FiringRows.prune(t, before));
    }

    /** Nothing to close: the store's connections belong to its job store, which closes them. */
    @Override
    public void close() {
    }
}
