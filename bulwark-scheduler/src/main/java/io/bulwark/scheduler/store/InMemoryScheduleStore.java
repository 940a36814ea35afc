package io.bulwark.scheduler.store;

import io.bulwark.cluster.Term;
import io.bulwark.cluster.store.ClusterStore;
import io.bulwark.cluster.store.NotLeaderException;
import io.bulwark.scheduler.Firing;
import io.bulwark.scheduler.FiringState;
import io.bulwark.scheduler.Schedule;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * A {@link ScheduleStore} in memory, for tests and single-process use. Terms are checked against
 * the given {@link ClusterStore}'s current leader, as the database stores check their leader row.
 */
public final class InMemoryScheduleStore implements ScheduleStore {

    private final InstantSource clock;
    private final ClusterStore cluster;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, ScheduleRow> rows = new HashMap<>();
    private final Map<String, TreeMap<Instant, Firing>> firings = new HashMap<>();

    /**
     * @param clock the store's clock
     * @param cluster whose leader decides which terms are current
     */
    public InMemoryScheduleStore(InstantSource clock, ClusterStore cluster) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.cluster = Objects.requireNonNull(cluster, "cluster");
    }

    @Override
    public Instant now() {
        return clock.instant();
    }

    @Override
    public List<ScheduleRow> list() {
        return locked(() -> rows.values().stream().sorted(Comparator.comparing(ScheduleRow::name)).toList());
    }

    @Override
    public Optional<ScheduleRow> get(String name) {
        return locked(() -> Optional.ofNullable(rows.get(name)));
    }

    @Override
    public ScheduleRow save(Schedule schedule, String source, Instant nextAt) {
        Objects.requireNonNull(schedule, "schedule must be set");
        StoreArguments.requireSource(source);
        return locked(() -> {
            Instant now = now();
            ScheduleRow old = rows.get(schedule.name());
            ScheduleRow row = new ScheduleRow(schedule, source, nextAt, old == null ? 1 : old.version() + 1,
                    old == null ? now : old.createdAt(), now);
            rows.put(schedule.name(), row);
            return row;
        });
    }

    @Override
    public boolean delete(String name) {
        return locked(() -> {
            firings.remove(name);
            return rows.remove(name) != null;
        });
    }

    @Override
    public boolean advance(String name, long version, Instant expectedNextAt, List<Firing> fs, Instant nextAt, Term term) {
        StoreArguments.requireFiringsOf(name, fs);
        return locked(() -> {
            requireCurrent(term);
            ScheduleRow row = rows.get(name);
            if (row == null || row.version() != version || !Objects.equals(row.nextAt(), expectedNextAt)) {
                return false;
            }
            TreeMap<Instant, Firing> mine = firings.computeIfAbsent(name, n -> new TreeMap<>());
            if (fs.stream().anyMatch(f -> mine.containsKey(f.tick()))) {
                return false;
            }
            fs.forEach(f -> mine.put(f.tick(), f));
            rows.put(name, new ScheduleRow(row.schedule(), row.source(), nextAt, row.version(), row.createdAt(),
                    row.updatedAt()));
            return true;
        });
    }

    @Override
    public boolean release(String name, Instant tick, String ref, Instant at, Term term) {
        return locked(() -> {
            requireCurrent(term);
            TreeMap<Instant, Firing> mine = firings.get(name);
            Firing f = mine == null ? null : mine.get(tick);
            if (f == null || f.state() != FiringState.QUEUED) {
                return false;
            }
            mine.put(tick, f.fired(ref, at));
            return true;
        });
    }

    @Override
    public boolean record(Firing firing) {
        return locked(() -> {
            if (!rows.containsKey(firing.schedule())) {
                return false;
            }
            return firings.computeIfAbsent(firing.schedule(), n -> new TreeMap<>()).putIfAbsent(firing.tick(), firing) == null;
        });
    }

    @Override
    public List<Firing> firings(String name, int limit) {
        StoreArguments.requireLimit(limit);
        return locked(() -> {
            TreeMap<Instant, Firing> mine = firings.get(name);
            return mine == null ? List.<Firing>of() : mine.descendingMap().values().stream().limit(limit).toList();
        });
    }

    @Override
    public Optional<Firing> lastStarted(String name) {
        return locked(() -> {
            TreeMap<Instant, Firing> mine = firings.get(name);
            return mine == null ? Optional.<Firing>empty() : mine.descendingMap().values().stream()
                    .filter(f -> f.state() == FiringState.FIRED || f.state() == FiringState.TRIGGERED).findFirst();
        });
    }

    @Override
    public Optional<Firing> queued(String name) {
        return locked(() -> {
            TreeMap<Instant, Firing> mine = firings.get(name);
            return mine == null ? Optional.<Firing>empty()
                    : mine.values().stream().filter(f -> f.state() == FiringState.QUEUED).findFirst();
        });
    }

    @Override
    public int pruneFirings(Instant before) {
        return locked(() -> {
            int n = 0;
            for (TreeMap<Instant, Firing> mine : firings.values()) {
                List<Instant> old = new ArrayList<>();
                mine.forEach((t, f) -> {
                    if (f.at().isBefore(before)) {
                        old.add(t);
                    }
                });
                old.forEach(mine::remove);
                n += old.size();
            }
            return n;
        });
    }

    private void requireCurrent(Term term) {
        Objects.requireNonNull(term, "term must be set");
        Optional<Term> current = cluster.leader();
        if (current.isEmpty() || current.get().term() != term.term() || !current.get().holder().equals(term.holder())
                || !current.get().until().isAfter(now())) {
            throw new NotLeaderException("term " + term.term() + " of " + term.holder() + " is not the current term ("
                    + current.map(t -> "term " + t.term() + " of " + t.holder()).orElse("no leader") + ")");
        }
    }

    private <T> T locked(Supplier<T> body) {
        lock.lock();
        try {
            return body.get();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
    }
}
