package io.bulwark.jdbc.internal;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TallyTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    /**
     * A figure that counts its reads and takes {@code cost} of the ticker's time to read; a
     * reading is dear while {@code dear} is set.
     */
    private final AtomicLong ticker = new AtomicLong();
    private final AtomicInteger reads = new AtomicInteger();
    private volatile long cost = MS;
    private volatile boolean dear;
    private volatile RuntimeException failure;
    private volatile Runnable duringRead = () -> { };
    private final Queue<Runnable> background = new ArrayDeque<>();
    private final Tally<Integer> tally = new Tally<>("test figure", () -> {
        ticker.addAndGet(cost);
        duringRead.run();
        if (failure != null) {
            throw failure;
        }
        return reads.incrementAndGet();
    }, n -> dear, ticker::get, background::add);

    @Test
    void aCheapFigureIsReadOnEveryCallHoweverLongItTook() {
        cost = 500 * MS;
        assertThat(tally.get()).isEqualTo(1);
        assertThat(tally.get()).isEqualTo(2);
        assertThat(tally.get()).isEqualTo(3);
        assertThat(background).isEmpty();
    }

    @Test
    void aDearFigureIsServedFromItsReadingForFiftyTimesItsCostThenRefreshedInTheBackground() {
        cost = 100 * MS;
        dear = true;
        assertThat(tally.get()).as("nothing is kept yet: read in the caller").isEqualTo(1);
        ticker.addAndGet(5_000 * MS);
        assertThat(tally.get()).as("5 s old, kept for 50 x 100 ms").isEqualTo(1);
        assertThat(background).isEmpty();

        ticker.addAndGet(1);
        assertThat(tally.get()).as("older than 5 s: still served at once").isEqualTo(1);
        assertThat(tally.get()).isEqualTo(1);
        assertThat(background).as("one refresh however many calls").hasSize(1);
        assertThat(reads).hasValue(1);

        background.poll().run();
        assertThat(tally.get()).isEqualTo(2);
        assertThat(background).isEmpty();
    }

    @Test
    void keptReadingsLiveBetweenOneSecondAndFiveMinutes() {
        assertThat(Tally.maxAge(10 * MS)).isEqualTo(TimeUnit.SECONDS.toNanos(1));
        assertThat(Tally.maxAge(190 * MS)).isEqualTo(190 * MS * 50);
        assertThat(Tally.maxAge(TimeUnit.SECONDS.toNanos(20))).isEqualTo(TimeUnit.MINUTES.toNanos(5));
    }

    @Test
    void aFigureThatBecomesCheapAgainIsReadOnEveryCallAfterItsNextRefresh() {
        cost = 100 * MS;
        dear = true;
        tally.get();
        dear = false;
        ticker.addAndGet(10_000 * MS);
        assertThat(tally.get()).isEqualTo(1);
        background.poll().run();
        assertThat(tally.get()).isEqualTo(3);
        assertThat(tally.get()).isEqualTo(4);
    }

    @Test
    void aChangeMadeHereStartsARefreshAtTheNextCall() {
        cost = 100 * MS;
        dear = true;
        tally.get();
        tally.changed();
        assertThat(tally.get()).isEqualTo(1);
        assertThat(background).hasSize(1);
        background.poll().run();
        assertThat(tally.get()).isEqualTo(2);
        assertThat(background).as("the refresh saw the change").isEmpty();
    }

    @Test
    void aChangeDuringARefreshLeavesTheReadingStale() {
        cost = 100 * MS;
        dear = true;
        tally.get();
        tally.changed();
        tally.get();
        // The refresh reads while another change is made: its reading may not hold that change.
        duringRead = tally::changed;
        background.poll().run();
        duringRead = () -> { };
        assertThat(tally.get()).isEqualTo(2);
        assertThat(background).hasSize(1);
        background.poll().run();
        assertThat(tally.get()).isEqualTo(3);
        assertThat(background).isEmpty();
    }

    @Test
    void aFailedRefreshDropsTheReadingSoTheNextCallReadsAndReportsTheFailure() {
        cost = 100 * MS;
        dear = true;
        tally.get();
        ticker.addAndGet(10_000 * MS);
        tally.get();
        failure = new IllegalStateException("database gone");
        background.poll().run();

        assertThatThrownBy(tally::get).hasMessage("database gone");
        failure = null;
        assertThat(tally.get()).as("read in the caller again").isEqualTo(2);
    }

    @Test
    void aRejectedRefreshIsTriedAgainAtTheNextCall() {
        AtomicInteger offered = new AtomicInteger();
        Tally<Integer> t = new Tally<>("rejected", () -> {
            ticker.addAndGet(100 * MS);
            return reads.incrementAndGet();
        }, n -> true, ticker::get, r -> {
            offered.incrementAndGet();
            throw new java.util.concurrent.RejectedExecutionException("shut down");
        });
        t.get();
        t.changed();
        t.get();
        t.get();
        assertThat(offered).hasValue(2);
    }
}
