package io.bulwark.scheduler.internal;

import io.bulwark.scheduler.Schedule;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The ticks of a schedule that are due at one pass: those from its next unhandled tick up to
 * now, split into on-time ones (within its misfire threshold) and missed ones. Walks back from
 * now, so a fleet that was down for a year over an every-second schedule still costs a bounded
 * walk: only the most recent missed ticks are kept, the rest only counted (up to a bound).
 *
 * @param onTime on-time ticks, oldest first
 * @param missed the most recent missed ticks, newest first, at most the number asked for
 * @param missedCount how many ticks were missed in all (at least this many when {@code countCapped})
 * @param countCapped true when the walk stopped before reaching the next unhandled tick
 */
public record DueTicks(List<Instant> onTime, List<Instant> missed, long missedCount, boolean countCapped) {

    /** The walk's bound: ticks looked at in one pass. */
    static final int MAX_WALK = 100_000;
    /** On-time ticks fired in one pass at most; more (an every-second cron behind by minutes) count as missed. */
    static final int MAX_ON_TIME = 1000;

    /**
     * The due ticks of {@code s} whose first unhandled tick is {@code from}, at {@code now},
     * keeping up to {@code keepMissed} missed ones.
     */
    public static DueTicks of(Schedule s, Instant from, Instant now, int keepMissed) {
        List<Instant> onTime = new ArrayList<>();
        List<Instant> missed = new ArrayList<>();
        long missedCount = 0;
        Instant onTimeFrom = now.minus(s.misfireThreshold());
        Optional<Instant> t = s.previousTick(now.plusNanos(1));
        int steps = 0;
        while (t.isPresent() && !t.get().isBefore(from)) {
            if (++steps > MAX_WALK) {
                return new DueTicks(onTime.reversed(), missed, missedCount, true);
            }
            Instant tick = t.get();
            if (!tick.isBefore(onTimeFrom) && onTime.size() < MAX_ON_TIME) {
                onTime.add(tick);
            } else {
                missedCount++;
                if (missed.size() < keepMissed) {
                    missed.add(tick);
                }
            }
            t = s.previousTick(tick);
        }
        return new DueTicks(List.copyOf(onTime.reversed()), List.copyOf(missed), missedCount, false);
    }

    /** True when nothing is due. */
    public boolean isEmpty() {
        return onTime.isEmpty() && missedCount == 0;
    }
}
