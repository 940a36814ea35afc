package io.bulwark.resilience.timeout.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The watchdog's slots driven by hand: a settable ticker and a scheduler whose runs the test makes. */
class WatchdogTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private final List<Runnable> runs = new ArrayList<>();
    private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1) {
        @Override
        public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            synchronized (runs) {
                runs.add(command);
            }
            return super.schedule(() -> { }, 1, TimeUnit.DAYS);
        }
    };

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
        Thread.interrupted();
    }

    @Test
    void aThreadFindsItsOwnSlotAgainAndGivesItBackEachTime() {
        Watchdog watchdog = new Watchdog(scheduler, now::get, 8);
        int first = watchdog.watch(now.get() + 100);
        assertThat(watchdog.finish(first)).isTrue();
        for (int i = 0; i < 1_000; i++) {
            int slot = watchdog.watch(now.get() + 100);
            assertThat(slot).isEqualTo(first);
            assertThat(watchdog.finish(slot)).isTrue();
        }
        assertThat(watchdog.busySlotsForTest()).isZero();
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void nestedCallsOfOneThreadHoldTwoSlotsAndTheInnerOneTimesOutAlone() {
        Watchdog watchdog = new Watchdog(scheduler, now::get, 8);
        int outer = watchdog.watch(now.get() + 1_000);
        int inner = watchdog.watch(now.get() + 100);
        assertThat(inner).isNotEqualTo(outer);
        assertThat(watchdog.busySlotsForTest()).isEqualTo(2);
        now.addAndGet(100);
        runs.getLast().run(); // armed for the inner deadline: interrupts the inner call only
        assertThat(Thread.currentThread().isInterrupted()).isTrue();
        assertThat(watchdog.finish(inner)).isFalse();
        assertThat(Thread.currentThread().isInterrupted()).as("the inner interrupt is cleared").isFalse();
        assertThat(watchdog.finish(outer)).isTrue();
        assertThat(watchdog.busySlotsForTest()).isZero();
    }

    @Test
    void aCallThatTimedOutLeavesItsSlotToTheThreadsNextCallWhichALateRunDoesNotInterrupt() {
        Watchdog watchdog = new Watchdog(scheduler, now::get, 8);
        int slot = watchdog.watch(now.get() + 100);
        now.addAndGet(100);
        Runnable firstRun = runs.getLast();
        firstRun.run();
        assertThat(watchdog.finish(slot)).isFalse();
        assertThat(Thread.currentThread().isInterrupted()).isFalse();

        int again = watchdog.watch(now.get() + 100); // the same slot, a new generation
        assertThat(again).isEqualTo(slot);
        firstRun.run(); // a run for the earlier deadline comes late (or twice): this call is not due
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        assertThat(watchdog.finish(again)).isTrue();
    }

    @Test
    void aSlotUsedByOneThreadIsTakenByAnotherAndTheInterruptGoesToTheNewThread() throws Exception {
        Watchdog watchdog = new Watchdog(scheduler, now::get, 1);
        int mine = watchdog.watch(now.get() + 100);
        assertThat(watchdog.finish(mine)).isTrue();
        try (ExecutorService other = Executors.newSingleThreadExecutor()) {
            Future<Boolean> theirs = other.submit(() -> {
                int slot = watchdog.watch(now.get() + 50);
                now.addAndGet(50);
                synchronized (runs) {
                    runs.getLast().run(); // the run comes while this thread's call is in the only slot
                }
                boolean interrupted = Thread.currentThread().isInterrupted();
                return interrupted && !watchdog.finish(slot) && !Thread.currentThread().isInterrupted();
            });
            assertThat(theirs.get(5, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(Thread.currentThread().isInterrupted()).as("the slot's earlier thread").isFalse();
        assertThat(watchdog.busySlotsForTest()).isZero();
    }

    @Test
    void whenEverySlotIsTakenWatchSaysSo() {
        Watchdog watchdog = new Watchdog(scheduler, now::get, 2);
        int a = watchdog.watch(now.get() + 100);
        int b = watchdog.watch(now.get() + 100);
        assertThat(watchdog.watch(now.get() + 100)).isEqualTo(-1);
        watchdog.finish(b);
        watchdog.finish(a);
        assertThat(watchdog.busySlotsForTest()).isZero();
    }

    @Test
    void manyVirtualAndPlatformThreadsShareTheSlotsAndNoneIsInterruptedBeforeItsDeadline() throws Exception {
        Watchdog watchdog = new Watchdog(scheduler, now::get, 16);
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        Runnable calls = () -> {
            for (int i = 0; i < 2_000; i++) {
                int slot = watchdog.watch(now.get() + 1_000_000);
                if (slot < 0) {
                    continue; // every slot taken: the caller would schedule its own interrupt
                }
                if (!watchdog.finish(slot) || Thread.currentThread().isInterrupted()) {
                    problems.add(Thread.currentThread() + " was interrupted before its deadline");
                }
            }
        };
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            threads.add(i % 2 == 0 ? Thread.ofVirtual().start(calls) : Thread.ofPlatform().start(calls));
        }
        for (int round = 0; round < 50; round++) {
            List<Runnable> due;
            synchronized (runs) {
                due = List.copyOf(runs);
            }
            due.forEach(Runnable::run); // runs scanning while calls come and go: nothing is due yet
        }
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertThat(problems).isEmpty();
        assertThat(watchdog.busySlotsForTest()).isZero();
    }
}
