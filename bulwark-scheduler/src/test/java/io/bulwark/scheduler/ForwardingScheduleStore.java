package io.bulwark.scheduler;

import io.bulwark.cluster.Term;
import io.bulwark.scheduler.store.ScheduleRow;
import io.bulwark.scheduler.store.ScheduleStore;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Passes every call to another store; tests override the calls they make fail. */
class ForwardingScheduleStore implements ScheduleStore {

    private final ScheduleStore store;

    ForwardingScheduleStore(ScheduleStore store) {
        this.store = store;
    }

    @Override
    public Instant now() {
        return store.now();
    }

    @Override
    public List<ScheduleRow> list() {
        return store.list();
    }

    @Override
    public Optional<ScheduleRow> get(String name) {
        return store.get(name);
    }

    @Override
    public ScheduleRow save(Schedule schedule, String source, Instant nextAt) {
        return store.save(schedule, source, nextAt);
    }

    @Override
    public boolean delete(String name) {
        return store.delete(name);
    }

    @Override
    public boolean advance(String name, long version, Instant expectedNextAt, List<Firing> firings, Instant nextAt, Term term) {
        return store.advance(name, version, expectedNextAt, firings, nextAt, term);
    }

    @Override
    public boolean release(String name, Instant tick, String ref, Instant at, Term term) {
        return store.release(name, tick, ref, at, term);
    }

    @Override
    public boolean record(Firing firing) {
        return store.record(firing);
    }

    @Override
    public List<Firing> firings(String name, int limit) {
        return store.firings(name, limit);
    }

    @Override
    public Optional<Firing> lastStarted(String name) {
        return store.lastStarted(name);
    }

    @Override
    public Optional<Firing> queued(String name) {
        return store.queued(name);
    }

    @Override
    public int pruneFirings(Instant before) {
        return store.pruneFirings(before);
    }

    @Override
    public void close() {
        store.close();
    }
}
