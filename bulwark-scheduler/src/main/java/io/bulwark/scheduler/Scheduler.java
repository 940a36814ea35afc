package io.bulwark.scheduler;

import io.bulwark.cluster.Term;
import io.bulwark.cluster.store.NotLeaderException;
import io.bulwark.scheduler.internal.SchedulerMetrics;
import io.bulwark.scheduler.internal.TickPass;
import io.bulwark.scheduler.store.ScheduleRow;
import io.bulwark.scheduler.store.ScheduleStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;

/**
 * Keeps schedules and fires their ticks. Any node may change schedules and trigger them; only the
 * fleet's leader fires ticks, by calling {@link #runDue(Term)} at a steady pace with its current
 * term. The scheduler owns no thread and reads no clock of its own (time is the store's), so a
 * test drives it pass by pass.
 *
 * <pre>{@code
 * Scheduler scheduler = Scheduler.builder(store).launcher("job", new JobLauncher(jobs)).meters(meters).build();
 * scheduler.put(Schedule.builder("nightly", "30 2 * * *").zone(ZoneId.of("Europe/Berlin"))
 *         .target(new ScheduleTarget.Job("reports", "build-report", null, null, null)).build());
 * // on the leader, every second:
 * node.term().ifPresent(scheduler::runDue);
 * }</pre>
 *
 * <h2>Exactly one firing per tick</h2>
 * A tick's run is started with an idempotency key made of the schedule's name and the tick
 * ({@code schedule:<name>:<tick ms>}), then the tick is recorded and the schedule's next tick
 * moved, in one compare-and-set write fenced by the leader's term. A leader that dies between the
 * two leaves the next tick unmoved; its successor starts the same tick with the same key, which
 * starts nothing new, and records it. Two leaders at a tick boundary (an old one paused, a new
 * one elected) cannot both record it: the old one's term is refused, and the compare-and-set lets
 * one pass through.
 */
public final class Scheduler {

    private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);

    private final ScheduleStore store;
    private final Map<String, Launcher> launchers;
    private final SchedulerMetrics metrics;
    private final Duration keepFirings;
    private volatile Instant lastPrune = Instant.MIN;
    /** Schedules already logged as having a target nothing here can start: logged once, not every pass. */
    private final java.util.Set<String> unlaunchable = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private Scheduler(Builder b) {
        this.store = b.store;
        this.launchers = Map.copyOf(b.launchers);
        this.metrics = new SchedulerMetrics(b.meters);
        this.keepFirings = b.keepFirings;
    }

    /** A builder over {@code store}. */
    public static Builder builder(ScheduleStore store) {
        return new Builder(store);
    }

    /** Builds a {@link Scheduler}. */
    public static final class Builder {
        private final ScheduleStore store;
        private final Map<String, Launcher> launchers = new HashMap<>();
        private MeterRegistry meters = new SimpleMeterRegistry();
        private Duration keepFirings = Duration.ofDays(7);

        private Builder(ScheduleStore store) {
            this.store = Objects.requireNonNull(store, "store must be set");
        }

        /** The launcher for targets of {@code kind} ({@code job}, {@code pipeline}). */
        public Builder launcher(String kind, Launcher launcher) {
            launchers.put(Objects.requireNonNull(kind, "kind"), Objects.requireNonNull(launcher, "launcher"));
            return this;
        }

        public Builder meters(MeterRegistry m) {
            this.meters = Objects.requireNonNull(m, "meters must be set");
            return this;
        }

        /** How long firings are kept (default 7 days); the leader prunes older ones hourly. */
        public Builder keepFirings(Duration d) {
            if (d == null || d.compareTo(Duration.ofMinutes(1)) < 0) {
                throw new IllegalArgumentException("keepFirings must be at least 1m but was " + d);
            }
            this.keepFirings = d;
            return this;
        }

        public Scheduler build() {
            return new Scheduler(this);
        }
    }

    /** Every schedule, by name. */
    public List<ScheduleRow> list() {
        return store.list();
    }

    /** The schedule {@code name}. */
    public Optional<ScheduleRow> get(String name) {
        return store.get(name);
    }

    /**
     * Creates or replaces a schedule from the API or the library; it wins over the config file
     * until deleted. A replace that keeps the cron, zone and dates keeps the next tick, so an edit
     * never skips a tick that is due.
     *
     * @throws IllegalArgumentException when no launcher starts its target (e.g. a pipeline target
     *         without the pipelines capability)
     */
    public ScheduleRow put(Schedule schedule) {
        return save(schedule, ScheduleRow.API);
    }

    /**
     * Writes a schedule declared in the config file: inserted when absent, replaced when the stored
     * one also came from the config file and differs, left alone when it was changed over the API
     * (returned so the caller can say so).
     */
    public ScheduleRow putFromConfig(Schedule schedule) {
        Optional<ScheduleRow> old = store.get(schedule.name());
        if (old.isPresent() && (old.get().source().equals(ScheduleRow.API) || old.get().schedule().equals(schedule))) {
            return old.get();
        }
        return save(schedule, ScheduleRow.CONFIG);
    }

    private ScheduleRow save(Schedule schedule, String source) {
        launcher(schedule);
        Optional<ScheduleRow> old = store.get(schedule.name());
        Instant next;
        if (old.isPresent() && sameTicks(old.get().schedule(), schedule) && !schedule.paused()) {
            next = old.get().nextAt();
        } else {
            next = schedule.nextTick(store.now()).orElse(null);
        }
        return store.save(schedule, source, next);
    }

    private static boolean sameTicks(Schedule a, Schedule b) {
        return a.cron().equals(b.cron()) && Objects.equals(a.startAt(), b.startAt()) && Objects.equals(a.endAt(), b.endAt())
                && !a.paused();
    }

    /** Deletes the schedule {@code name} and its firings; false when there was none. */
    public boolean delete(String name) {
        return store.delete(name);
    }

    /** Pauses {@code name}: it does not tick until resumed. */
    public ScheduleRow pause(String name) {
        ScheduleRow row = require(name);
        return row.schedule().paused() ? row
                : store.save(row.schedule().withPaused(true), ScheduleRow.API, row.nextAt());
    }

    /** Resumes {@code name} from its next tick after now: ticks that passed while paused are not misfires. */
    public ScheduleRow resume(String name) {
        ScheduleRow row = require(name);
        if (!row.schedule().paused()) {
            return row;
        }
        Schedule s = row.schedule().withPaused(false);
        return store.save(s, ScheduleRow.API, s.nextTick(store.now()).orElse(null));
    }

    /**
     * Starts {@code name}'s target now, outside its cron and whatever its overlap policy, and
     * records the firing as {@link FiringState#TRIGGERED}.
     */
    public Firing trigger(String name) {
        ScheduleRow row = require(name);
        Schedule s = row.schedule();
        Launcher launcher = launcher(s);
        for (int i = 0; i < 5; i++) {
            Instant now = store.now();
            String ref = launcher.launch(s, now, now, key(name, now) + ":manual");
            Firing f = new Firing(name, now, FiringState.TRIGGERED, ref, 1, store.now(), "triggered by hand");
            if (store.record(f)) {
                metrics.firings(name, FiringState.TRIGGERED, 1);
                return f;
            }
        }
        throw new IllegalStateException("could not record a trigger of schedule " + name
                + ": a firing at the same millisecond was recorded five times in a row");
    }

    /** The next {@code count} ticks of {@code name} after now. */
    public List<Instant> next(String name, int count) {
        if (count < 1 || count > 1000) {
            throw new IllegalArgumentException("count must be 1 to 1000 but was " + count);
        }
        Schedule s = require(name).schedule();
        Instant now = store.now();
        return s.cron().next(s.startAt() != null && s.startAt().isAfter(now) ? s.startAt().minusNanos(1) : now, count)
                .stream().filter(t -> s.endAt() == null || !t.isAfter(s.endAt())).toList();
    }

    /** {@code name}'s most recent firings, newest first, each with how its run is doing. */
    public List<FiringView> history(String name, int limit) {
        Schedule s = require(name).schedule();
        Launcher launcher = launchers.get(s.target().kind());
        return store.firings(name, limit).stream().map(f -> new FiringView(f,
                f.ref() == null || launcher == null ? null : launcher.status(f.ref()))).toList();
    }

    /** A firing with the state of the run it started (null when it started none). */
    public record FiringView(Firing firing, Launcher.RunStatus run) {
    }

    /**
     * The leader's pass: fires every due tick of every schedule that is not paused, applying
     * misfire and overlap policies, and releases queued firings whose previous run ended. A
     * schedule whose pass fails (its launcher threw) is logged and tried again at the next pass;
     * the others go on.
     *
     * @return how many ticks were recorded, by state
     * @throws NotLeaderException when the store refused {@code term}: the caller is no longer leader
     */
    public Map<FiringState, Integer> runDue(Term term) {
        Objects.requireNonNull(term, "term must be set");
        Map<FiringState, Integer> done = new HashMap<>();
        for (ScheduleRow row : store.list()) {
            if (row.schedule().paused()) {
                continue;
            }
            Launcher launcher = launchers.get(row.schedule().target().kind());
            if (launcher == null) {
                if (!unlaunchable.add(row.name())) {
                    continue;
                }
                LOG.warn("Schedule {} targets a {}, which nothing on this node can start; it does not fire until the "
                        + "leader has that capability", row.name(), row.schedule().target().kind());
                continue;
            }
            unlaunchable.remove(row.name());
            try {
                new TickPass(store, launcher, metrics, row, term).run()
                        .forEach(f -> done.merge(f.state(), f.count(), Integer::sum));
            } catch (NotLeaderException e) {
                throw e;
            } catch (RuntimeException e) {
                LOG.warn("Schedule {} could not fire its due ticks ({}); the leader tries again at its next pass, and "
                        + "a run already started for a tick is not started twice", row.name(), e.toString());
            }
        }
        Instant now = store.now();
        if (Duration.between(lastPrune, now).compareTo(Duration.ofHours(1)) >= 0) {
            lastPrune = now;
            store.pruneFirings(now.minus(keepFirings));
        }
        return done;
    }

    /**
     * How long until the earliest next tick of the schedules that are not paused, by the store's
     * clock (zero when one is due now); empty when none has a tick left. The leader sleeps this
     * long (within a bound) between passes, so a tick is fired when it comes rather than at the
     * next poll.
     */
    public Optional<Duration> untilNextTick() {
        Instant now = store.now();
        return store.list().stream().filter(r -> !r.schedule().paused() && r.nextAt() != null).map(ScheduleRow::nextAt)
                .min(Instant::compareTo).map(t -> t.isAfter(now) ? Duration.between(now, t) : Duration.ZERO);
    }

    /** The idempotency key of {@code schedule}'s run for {@code tick}. */
    public static String key(String schedule, Instant tick) {
        return "schedule:" + schedule + ":" + tick.toEpochMilli();
    }

    private ScheduleRow require(String name) {
        return store.get(name).orElseThrow(() -> new NoSuchElementException("no schedule named '" + name + "'"));
    }

    private Launcher launcher(Schedule s) {
        Launcher l = launchers.get(s.target().kind());
        if (l == null) {
            throw new IllegalArgumentException("schedule " + s.name() + " targets a " + s.target().kind()
                    + ", but this node can start only " + String.join(", ", launchers.keySet().stream().sorted().toList()));
        }
        return l;
    }
}
