package io.bulwark.resilience.breaker.internal;

import io.bulwark.resilience.ResilienceClock;
import io.bulwark.resilience.breaker.BreakerMetrics;
import io.bulwark.resilience.breaker.BreakerTransition;
import io.bulwark.resilience.breaker.CircuitBreaker.State;
import io.bulwark.resilience.breaker.CircuitBreakerConfig;
import io.bulwark.resilience.breaker.internal.CallWindow.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The state machine of one circuit breaker.
 *
 * <p>Design notes. The whole state is one immutable {@link BreakerSnapshot} in an
 * {@link AtomicReference}; a transition is a CAS from the snapshot the deciding thread saw, so
 * exactly one thread wins each transition and reports it. The CLOSED recording path does not
 * CAS at all: it writes into the snapshot's lock-free {@link CallWindow} and only CASes when
 * the counts cross a threshold. Permission in CLOSED is one volatile read. A transition's CAS
 * and its report (history, store, listeners) happen under one lock taken only by transitions,
 * so the history lists transitions in the order they happened; the CAS alone still decides.
 *
 * <p>HALF_OPEN admits at most {@code permittedCallsInHalfOpen} probes, tracked as their start
 * times. A probe older than {@code probeTimeout} frees its slot at the next acquisition (it is
 * moved to an "expired, not returned" count), so a probe that never returns cannot wedge the
 * breaker. Outcomes carry no permit; {@link BreakerSnapshot#probeReturned} explains why
 * attributing them to expired probes first and then to the oldest slot keeps the bound exact
 * for the probes of one half-open period. A call admitted before the period (in CLOSED) that
 * returns during it is the one case the bound cannot see, as in every permit-less breaker.
 * A slow probe counts as a failed probe. Outcomes reaching an OPEN or forced breaker are not
 * recorded (they only count in the lifetime totals).
 */
public final class BreakerCore {

    /** Receives each transition, on the thread that won it. */
    public interface TransitionSink {
        /** {@code local} is false for an open learnt from another node (it must not be re-published). */
        void transitioned(BreakerTransition transition, Instant openUntil, boolean local);
    }

    private final ResilienceClock clock;
    private final TransitionSink sink;
    private final AtomicReference<BreakerSnapshot> ref;
    private final LongAdder notPermitted = new LongAdder();
    private final SuccessTally successes = new SuccessTally();
    /** Orders transitions with their reports (history, store, listeners); never taken on a non-transition path. */
    private final ReentrantLock transitionLock = new ReentrantLock();

    public BreakerCore(CircuitBreakerConfig config, ResilienceClock clock, TransitionSink sink) {
        this.clock = clock;
        this.sink = sink;
        this.ref = new AtomicReference<>(closed(config, clock.now(), 0));
    }

    /** The current snapshot (for messages and metrics). */
    public State state() {
        return ref.get().state();
    }

    /** The config in force. */
    public CircuitBreakerConfig config() {
        return ref.get().config();
    }

    /**
     * True while calls are refused for now without asking: FORCED_OPEN, or OPEN with its wait not
     * over. (Once the wait is over the state still reads OPEN until a call asks, and that call
     * becomes a probe, so the breaker no longer refuses.) Changes nothing and counts nothing.
     */
    public boolean refusesCalls() {
        BreakerSnapshot s = ref.get();
        return s.state() == State.FORCED_OPEN
                || (s.state() == State.OPEN && clock.nanos() - s.openUntilNanos() < 0);
    }

    /** True when a call may start now; a HALF_OPEN permission holds a probe slot until an outcome or release. */
    public boolean tryAcquire() {
        while (true) {
            BreakerSnapshot s = ref.get();
            switch (s.state()) {
                case CLOSED, FORCED_CLOSED, DISABLED -> {
                    return true;
                }
                case FORCED_OPEN -> {
                    notPermitted.increment();
                    return false;
                }
                case OPEN -> {
                    long now = clock.nanos();
                    if (now - s.openUntilNanos() < 0) {
                        notPermitted.increment();
                        return false;
                    }
                    transition(s, halfOpen(s), "wait of " + human(s.config().waitDurationForTrip(s.trips()))
                            + " in OPEN elapsed", true);
                }
                case HALF_OPEN -> {
                    long now = clock.nanos();
                    BreakerSnapshot current = s.expire(now);
                    if (current.probes().length >= s.config().permittedCallsInHalfOpen()) {
                        if (current != s) {
                            ref.compareAndSet(s, current);
                        }
                        notPermitted.increment();
                        return false;
                    }
                    long[] next = java.util.Arrays.copyOf(current.probes(), current.probes().length + 1);
                    next[next.length - 1] = now;
                    if (ref.compareAndSet(s, current.withProbes(next, current.expired(), current.successes()))) {
                        return true;
                    }
                }
            }
        }
    }

    /**
     * Records a finished call that took {@code nanos}; {@code failed} per the config's predicates.
     * Returns true when the call was a success (neither failed nor slow) recorded through a count
     * window, whose ticket already counts it in {@link #windowSuccesses()}: the caller must not
     * count it again.
     */
    public boolean record(boolean failed, long nanos) {
        BreakerSnapshot s = ref.get();
        if (s.state() == State.CLOSED) {
            CircuitBreakerConfig c = s.config();
            Outcome outcome = Outcome.of(failed, nanos, c.slowCallDuration().toNanos());
            CallWindow window = s.window();
            long now = window instanceof TimeWindow ? clock.nanos() : 0L;
            WindowCounts counts = window.record(outcome, now);
            if (counts != null) {
                checkTrip(s, counts, failed);
            } else if (failed) { // unchanged rates, but the run of consecutive failures grew
                checkTrip(s, window.counts(now), true);
            } // an unchanged success cannot cross a threshold the counts had not crossed
            return outcome == Outcome.SUCCESS && window instanceof CountWindow;
        }
        if (s.state() == State.HALF_OPEN) {
            probeOutcome(failed || nanos >= s.config().slowCallDuration().toNanos());
        }
        return false;
    }

    /** The successes counted by count windows' tickets (see {@link #record}); never goes down. */
    public long windowSuccesses() {
        return successes.successes(ref.get().window());
    }

    /** Frees a HALF_OPEN probe slot without recording an outcome (ignored error, cancelled call). */
    public void release() {
        while (true) {
            BreakerSnapshot s = ref.get();
            if (s.state() != State.HALF_OPEN || !s.probesOutstanding()) {
                return;
            }
            if (ref.compareAndSet(s, s.probeReturned(s.successes()))) {
                return;
            }
        }
    }

    private void checkTrip(BreakerSnapshot s, WindowCounts counts, boolean failed) {
        CircuitBreakerConfig c = s.config();
        int consecutive = c.consecutiveFailureThreshold();
        if (failed && consecutive > 0 && s.window().consecutiveFailures() >= consecutive) {
            open(s, consecutive + " consecutive failures", counts, 1);
            return;
        }
        if (counts.total() < minimumCalls(c)) {
            return;
        }
        float failureRate = counts.failed() * 100f / counts.total();
        if (failureRate >= c.failureRateThreshold()) {
            open(s, "failure rate " + pct(failureRate) + " >= " + pct(c.failureRateThreshold()) + " over "
                    + counts.total() + " calls", counts, 1);
            return;
        }
        float slowRate = counts.slow() * 100f / counts.total();
        if (slowRate >= c.slowCallRateThreshold()) {
            open(s, "slow-call rate " + pct(slowRate) + " >= " + pct(c.slowCallRateThreshold()) + " over "
                    + counts.total() + " calls (slow >= " + human(c.slowCallDuration()) + ")", counts, 1);
        }
    }

    private void probeOutcome(boolean failed) {
        while (true) {
            BreakerSnapshot s = ref.get();
            if (s.state() != State.HALF_OPEN || !s.probesOutstanding()) {
                return; // an outcome of a call admitted before this half-open period
            }
            if (failed) {
                if (open(s, "a probe failed in HALF_OPEN", s.window().counts(clock.nanos()), s.trips() + 1)) {
                    return;
                }
            } else if (s.successes() + 1 >= s.config().successesToClose()) {
                if (transition(s, closed(s.config(), clock.now(), 0),
                        (s.successes() + 1) + " probes succeeded in HALF_OPEN", true)) {
                    return;
                }
            } else if (ref.compareAndSet(s, s.probeReturned(s.successes() + 1))) {
                return;
            }
        }
    }

    private boolean open(BreakerSnapshot s, String reason, WindowCounts counts, int trips) {
        Duration wait = s.config().waitDurationForTrip(trips);
        Instant now = clock.now();
        BreakerSnapshot next = new BreakerSnapshot(State.OPEN, s.config(), s.window(), now,
                clock.nanos() + wait.toNanos(), now.plus(wait), trips, BreakerSnapshot.NO_PROBES, 0, 0);
        int min = minimumCalls(s.config());
        return transition(s, next, reason + "; open for " + human(wait), counts.failureRate(min),
                counts.slowRate(min), true);
    }

    /** Applies an open learnt from another node, unless this breaker is forced or already open longer. */
    public boolean openFromRemote(Instant openUntil, String node) {
        while (true) {
            BreakerSnapshot s = ref.get();
            boolean applies = switch (s.state()) {
                case CLOSED, HALF_OPEN -> true;
                case OPEN -> s.openUntil() != null && s.openUntil().isBefore(openUntil);
                default -> false;
            };
            Instant now = clock.now();
            if (!applies || !openUntil.isAfter(now)) {
                return false;
            }
            long untilNanos = clock.nanos() + Duration.between(now, openUntil).toNanos();
            BreakerSnapshot next = new BreakerSnapshot(State.OPEN, s.config(), s.window(), now, untilNanos,
                    openUntil, Math.max(1, s.trips()), BreakerSnapshot.NO_PROBES, 0, 0);
            WindowCounts counts = s.window().counts(clock.nanos());
            int min = minimumCalls(s.config());
            if (transition(s, next, "opened on node " + node + " until " + openUntil, counts.failureRate(min),
                    counts.slowRate(min), false)) {
                return true;
            }
        }
    }

    /** Moves to a manual or reset state whatever the current one is. */
    public void force(State target, String reason) {
        while (true) {
            BreakerSnapshot s = ref.get();
            BreakerSnapshot next = target == State.CLOSED
                    ? closed(s.config(), clock.now(), 0)
                    : new BreakerSnapshot(target, s.config(), s.window(), clock.now(), 0, null, 0,
                            BreakerSnapshot.NO_PROBES, 0, 0);
            if (transition(s, next, reason, true)) {
                return;
            }
        }
    }

    /** Puts a new config in force, keeping the state; a CLOSED breaker starts a fresh window. */
    public void reconfigure(CircuitBreakerConfig config) {
        while (true) {
            BreakerSnapshot s = ref.get();
            CallWindow window = s.state() == State.CLOSED ? CallWindow.of(config, clock.nanos(), successes) : s.window();
            if (ref.compareAndSet(s, s.withConfig(config, window))) {
                retireIfReplaced(s.window(), window);
                return;
            }
        }
    }

    /** A snapshot of the counts. */
    public BreakerMetrics metrics() {
        BreakerSnapshot s = ref.get();
        WindowCounts counts = s.window().counts(clock.nanos());
        int min = minimumCalls(s.config());
        return new BreakerMetrics(s.state(), s.since(), s.openUntil(), counts.failureRate(min), counts.slowRate(min),
                (int) counts.total(), (int) counts.failed(), (int) counts.slow(), notPermitted.sum(),
                s.state() == State.HALF_OPEN ? s.liveProbes(clock.nanos()).length : 0);
    }

    /** Words for a refusal in the current state, naming the rate and when calls may pass again. */
    public String refusal(String name) {
        BreakerSnapshot s = ref.get();
        WindowCounts counts = s.window().counts(clock.nanos());
        int min = minimumCalls(s.config());
        String rate = "failure rate " + pct(counts.failureRate(min)) + ", slow-call rate "
                + pct(counts.slowRate(min)) + " over " + counts.total() + " calls";
        return switch (s.state()) {
            case OPEN -> "CircuitBreaker '" + name + "' is OPEN (" + rate + "); it lets probes through from "
                    + s.openUntil();
            case HALF_OPEN -> "CircuitBreaker '" + name + "' is HALF_OPEN and all "
                    + s.config().permittedCallsInHalfOpen() + " probe slots are taken; a slot frees when a probe"
                    + " returns or after probeTimeout " + human(s.config().probeTimeout());
            case FORCED_OPEN -> "CircuitBreaker '" + name + "' is FORCED_OPEN (" + rate
                    + "); it stays open until forceClose() or reset()";
            default -> "CircuitBreaker '" + name + "' is " + s.state();
        };
    }

    /** When an OPEN breaker lets probes through, or null. */
    public Instant openUntil() {
        return ref.get().openUntil();
    }

    private boolean transition(BreakerSnapshot from, BreakerSnapshot to, String reason, boolean local) {
        WindowCounts counts = from.window().counts(clock.nanos());
        int min = minimumCalls(from.config());
        return transition(from, to, reason, counts.failureRate(min), counts.slowRate(min), local);
    }

    private boolean transition(BreakerSnapshot from, BreakerSnapshot to, String reason, float failureRate,
                               float slowRate, boolean local) {
        transitionLock.lock();
        try {
            if (!ref.compareAndSet(from, to)) {
                return false;
            }
            retireIfReplaced(from.window(), to.window());
            sink.transitioned(new BreakerTransition(to.since(), from.state(), to.state(), reason, failureRate,
                    slowRate), to.openUntil(), local);
            return true;
        } finally {
            transitionLock.unlock();
        }
    }

    /** Closes the tickets of a count window a successful CAS just replaced (once: only that CAS replaced it). */
    private static void retireIfReplaced(CallWindow old, CallWindow next) {
        if (old != next && old instanceof CountWindow window) {
            window.retire();
        }
    }

    private BreakerSnapshot halfOpen(BreakerSnapshot s) {
        return new BreakerSnapshot(State.HALF_OPEN, s.config(), s.window(), clock.now(), 0, null, s.trips(),
                BreakerSnapshot.NO_PROBES, 0, 0);
    }

    private BreakerSnapshot closed(CircuitBreakerConfig config, Instant now, int trips) {
        return new BreakerSnapshot(State.CLOSED, config, CallWindow.of(config, clock.nanos(), successes), now, 0, null,
                trips, BreakerSnapshot.NO_PROBES, 0, 0);
    }

    /** A count-based window never holds more than its size, so a larger minimum means "the whole window". */
    private static int minimumCalls(CircuitBreakerConfig c) {
        return c.windowType() == CircuitBreakerConfig.WindowType.COUNT_BASED
                ? Math.min(c.minimumNumberOfCalls(), c.windowSize()) : c.minimumNumberOfCalls();
    }

    private static String pct(float rate) {
        return rate < 0 ? "n/a" : String.format(java.util.Locale.ROOT, "%.1f%%", rate);
    }

    private static String human(Duration d) {
        return io.bulwark.core.units.Durations.format(d);
    }
}
