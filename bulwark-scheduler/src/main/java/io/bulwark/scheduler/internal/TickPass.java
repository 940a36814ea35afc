package io.bulwark.scheduler.internal;

import io.bulwark.cluster.Term;
import io.bulwark.scheduler.Firing;
import io.bulwark.scheduler.FiringState;
import io.bulwark.scheduler.Launcher;
import io.bulwark.scheduler.MisfirePolicy;
import io.bulwark.scheduler.OverlapPolicy;
import io.bulwark.scheduler.Schedule;
import io.bulwark.scheduler.Scheduler;
import io.bulwark.scheduler.store.ScheduleRow;
import io.bulwark.scheduler.store.ScheduleStore;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The leader's pass over one schedule (see {@link Scheduler#runDue}): release a queued firing
 * whose previous run ended, then handle the due ticks by the misfire policy, each fired tick by
 * the overlap policy, and record them with the next tick in one fenced compare-and-set.
 */
public final class TickPass {

    private final ScheduleStore store;
    private final Launcher launcher;
    private final SchedulerMetrics metrics;
    private final ScheduleRow row;
    private final Schedule schedule;
    private final Term term;
    /** The run the next tick would overlap with: the last one started, before or during this pass. */
    private String previous;
    private boolean queueTaken;

    public TickPass(ScheduleStore store, Launcher launcher, SchedulerMetrics metrics, ScheduleRow row, Term term) {
        this.store = store;
        this.launcher = launcher;
        this.metrics = metrics;
        this.row = row;
        this.schedule = row.schedule();
        this.term = term;
    }

    /** Runs the pass; returns the firings it recorded (none when another pass got there first). */
    public List<Firing> run() {
        String name = schedule.name();
        previous = store.lastStarted(name).map(Firing::ref).orElse(null);
        Optional<Firing> queued = store.queued(name);
        List<Firing> recorded = new ArrayList<>();
        if (queued.isPresent()) {
            queueTaken = true;
            if (!stillRunning()) {
                Firing q = queued.get();
                String ref = launch(q.tick());
                Instant at = store.now();
                if (store.release(name, q.tick(), ref, at, term)) {
                    metrics.firings(name, FiringState.FIRED, 1);
                    metrics.lag(name, Duration.between(q.tick(), at));
                    recorded.add(q.fired(ref, at));
                    previous = ref;
                    queueTaken = false;
                }
            }
        }
        Instant now = store.now();
        if (row.nextAt() == null || row.nextAt().isAfter(now)) {
            return recorded;
        }
        List<Firing> firings = decide(now);
        Instant next = schedule.nextTick(now).orElse(null);
        if (store.advance(name, row.version(), row.nextAt(), firings, next, term)) {
            for (Firing f : firings) {
                metrics.firings(name, f.state(), f.count());
                if (f.ref() != null) {
                    metrics.lag(name, f.lag());
                }
            }
            recorded.addAll(firings);
        }
        return recorded;
    }

    private List<Firing> decide(Instant now) {
        MisfirePolicy policy = schedule.misfire();
        int keepMissed = switch (policy) {
            case CATCH_UP -> schedule.catchUpLimit() + 1;
            case FIRE_ONCE -> 2;
            case SKIP -> 1;
        };
        DueTicks due = DueTicks.of(schedule, row.nextAt(), now, keepMissed);
        List<Instant> fire = new ArrayList<>();
        int firedMissed = switch (policy) {
            case CATCH_UP -> Math.min(schedule.catchUpLimit(), due.missed().size());
            case FIRE_ONCE -> due.onTime().isEmpty() && !due.missed().isEmpty() ? 1 : 0;
            case SKIP -> 0;
        };
        // missed is newest first: fire the most recent ones, oldest of them first.
        fire.addAll(due.missed().subList(0, firedMissed).reversed());
        fire.addAll(due.onTime());
        List<Firing> out = new ArrayList<>();
        long misfired = due.missedCount() - firedMissed;
        if (misfired > 0) {
            Instant latest = due.missed().get(firedMissed);
            out.add(new Firing(schedule.name(), latest, FiringState.MISFIRED, null, (int) Math.min(misfired, Integer.MAX_VALUE),
                    now, (due.countCapped() ? "at least " : "") + misfired + " tick" + (misfired == 1 ? "" : "s")
                    + " missed while no leader ran them (the latest at " + latest + "); misfire policy "
                    + policy.id()));
        }
        for (Instant tick : fire) {
            out.add(fireOrHold(tick, due.missed().contains(tick)));
        }
        return out;
    }

    private Firing fireOrHold(Instant tick, boolean late) {
        String name = schedule.name();
        OverlapPolicy overlap = schedule.overlap();
        if (overlap != OverlapPolicy.ALLOW && stillRunning()) {
            if (overlap == OverlapPolicy.QUEUE && !queueTaken) {
                queueTaken = true;
                return new Firing(name, tick, FiringState.QUEUED, null, 1, store.now(),
                        "waits for the previous run " + previous + " to end");
            }
            return new Firing(name, tick, FiringState.SKIPPED, null, 1, store.now(), "the previous run " + previous
                    + " was still going" + (overlap == OverlapPolicy.QUEUE ? " and a firing already waits for it" : ""));
        }
        String ref = launch(tick);
        previous = ref;
        return new Firing(name, tick, FiringState.FIRED, ref, 1, store.now(),
                late ? "missed tick fired late by misfire policy " + schedule.misfire().id() : null);
    }

    private boolean stillRunning() {
        return previous != null && !launcher.status(previous).finished();
    }

    private String launch(Instant tick) {
        return launcher.launch(schedule, tick, tick.plus(jitter(tick)), Scheduler.key(schedule.name(), tick));
    }

    /** The same delay for a tick whichever node fires it, so a retried firing keeps its time. */
    private Duration jitter(Instant tick) {
        long max = schedule.jitter().toMillis();
        if (max == 0) {
            return Duration.ZERO;
        }
        long seed = schedule.name().hashCode() * 1_000_003L ^ tick.toEpochMilli();
        return Duration.ofMillis(new SplittableRandom(seed).nextLong(max + 1));
    }
}
