package io.bulwark.test.scheduler;

import io.bulwark.cluster.Term;
import io.bulwark.cluster.store.NotLeaderException;
import io.bulwark.scheduler.Firing;
import io.bulwark.scheduler.FiringState;
import io.bulwark.scheduler.store.ScheduleRow;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The leader's pass: {@code advance} is all or nothing, a compare-and-set on the version and the
 * next tick, once per tick, fenced by the leader's term; {@code release} of a queued firing, fenced
 * the same way.
 */
abstract class AdvanceRules extends ScheduleRowRules {

    @Test
    void advanceRecordsTheFiringsAndMovesTheNextTickKeepingVersionAndTimes() {
        ScheduleRow before = saved("s", tick(1));
        Term term = leader("a");
        clock.advance(Duration.ofSeconds(1));
        List<Firing> firings = List.of(firing("s", tick(0), FiringState.MISFIRED), firing("s", tick(1), FiringState.FIRED));

        assertThat(store.advance("s", 1, tick(1), firings, tick(2), term)).isTrue();

        assertThat(row("s")).isEqualTo(new ScheduleRow(before.schedule(), before.source(), tick(2), 1, before.createdAt(),
                before.updatedAt()));
        assertThat(store.firings("s", 10)).containsExactly(firings.get(1), firings.get(0));
    }

    @Test
    void advanceWithNoFiringsOnlyMovesTheNextTick() {
        saved("s", tick(1));
        Term term = leader("a");

        assertThat(store.advance("s", 1, tick(1), List.of(), tick(3), term)).isTrue();

        assertThat(row("s").nextAt()).isEqualTo(tick(3));
        assertThat(store.firings("s", 10)).isEmpty();
    }

    @Test
    void advanceMayEndTheScheduleAndAnEndedOneIsMatchedByANullNextTick() {
        saved("s", tick(1));
        Term term = leader("a");

        assertThat(store.advance("s", 1, tick(1), List.of(firing("s", tick(1), FiringState.FIRED)), null, term)).isTrue();
        assertThat(row("s").nextAt()).as("ended").isNull();

        assertThat(store.advance("s", 1, tick(1), List.of(), tick(5), term)).as("it is no longer at tick 1").isFalse();
        assertThat(store.advance("s", 1, null, List.of(), tick(5), term)).as("null matches null").isTrue();
        assertThat(row("s").nextAt()).isEqualTo(tick(5));
    }

    @Test
    void advanceAtAnOlderVersionChangesNothing() {
        saved("s", tick(1));
        saved("s", tick(1));
        Term term = leader("a");

        assertUnchangedAfter("s", s -> assertThat(store.advance("s", 1, tick(1),
                List.of(firing("s", tick(1), FiringState.FIRED)), tick(2), term)).isFalse());
        assertThat(store.advance("s", 2, tick(1), List.of(), tick(2), term)).as("at the current version").isTrue();
    }

    @Test
    void advanceFromAnotherNextTickChangesNothingNullOrNot() {
        saved("s", tick(1));
        saved("ended", null);
        Term term = leader("a");

        assertUnchangedAfter("s", s -> {
            assertThat(store.advance("s", 1, tick(0), List.of(firing("s", tick(0), FiringState.FIRED)), tick(2), term))
                    .isFalse();
            assertThat(store.advance("s", 1, null, List.of(firing("s", tick(1), FiringState.FIRED)), tick(2), term))
                    .as("null does not match a tick").isFalse();
        });
        assertUnchangedAfter("ended", s -> assertThat(store.advance("ended", 1, tick(1),
                List.of(firing("ended", tick(1), FiringState.FIRED)), tick(2), term)).as("a tick does not match null")
                .isFalse());
    }

    @Test
    void advanceOfAScheduleNeverSavedOrDeletedIsFalse() {
        Term term = leader("a");
        saved("deleted", tick(1));
        store.delete("deleted");

        assertThat(store.advance("never", 1, tick(1), List.of(firing("never", tick(1), FiringState.FIRED)), tick(2), term))
                .isFalse();
        assertThat(store.advance("deleted", 1, tick(1), List.of(firing("deleted", tick(1), FiringState.FIRED)), tick(2),
                term)).isFalse();
        assertThat(store.firings("never", 10)).isEmpty();
        assertThat(store.firings("deleted", 10)).isEmpty();
        assertThat(store.list()).isEmpty();
    }

    @Test
    void advanceOverATickAlreadyRecordedIsFalseAndKeepsNoneOfItsFirings() {
        saved("s", tick(1));
        Firing trigger = firing("s", tick(1), FiringState.TRIGGERED);
        assertThat(store.record(trigger)).isTrue();
        Term term = leader("a");

        assertUnchangedAfter("s", s -> assertThat(store.advance("s", 1, tick(1), List.of(
                firing("s", tick(0), FiringState.MISFIRED), firing("s", tick(1), FiringState.FIRED),
                firing("s", tick(2), FiringState.SKIPPED)), tick(3), term))
                .as("tick 1 is taken: tick 0 and 2 are not kept either").isFalse());
        assertThat(store.firings("s", 10)).containsExactly(trigger);
    }

    @Test
    void firingsOfAnotherScheduleOrTwiceAtOneTickAreRefusedNamingThem() {
        saved("s", tick(1));
        Term term = leader("a");

        assertUnchangedAfter("s", s -> {
            assertThatThrownBy(() -> store.advance("s", 1, tick(1), List.of(firing("other", tick(1), FiringState.FIRED)),
                    tick(2), term)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'other'");
            assertThatThrownBy(() -> store.advance("s", 1, tick(1), List.of(firing("s", tick(1), FiringState.FIRED),
                    firing("s", tick(1), FiringState.SKIPPED)), tick(2), term))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(tick(1).toString());
        });
    }

    @Test
    void aStaleTermCannotAdvanceAndChangesNothing() {
        saved("s", tick(1));
        Term old = leader("a");
        clock.set(old.until());
        Term current = leader("b");

        assertUnchangedAfter("s", s -> assertThatThrownBy(() -> store.advance("s", 1, tick(1),
                List.of(firing("s", tick(1), FiringState.FIRED)), tick(2), old))
                .isInstanceOf(NotLeaderException.class)
                .hasMessageContaining("term " + old.term() + " of a"));
        assertThat(store.advance("s", 1, tick(1), List.of(firing("s", tick(1), FiringState.FIRED)), tick(2), current))
                .as("the current term may").isTrue();
    }

    @Test
    void anExpiredTermCannotAdvanceEvenWithNoNewerLeader() {
        saved("s", tick(1));
        Term term = leader("a");
        clock.set(term.until().minusMillis(1));
        assertThat(store.advance("s", 1, tick(1), List.of(), tick(1), term)).as("a millisecond before it lapses").isTrue();

        clock.set(term.until());

        assertUnchangedAfter("s", s -> assertThatThrownBy(() -> store.advance("s", 1, tick(1),
                List.of(firing("s", tick(1), FiringState.FIRED)), tick(2), term)).isInstanceOf(NotLeaderException.class));
    }

    @Test
    void aResignedForgedOrNeverElectedTermCannotAdvance() {
        saved("s", tick(1));
        Term never = new Term(7, "a", clock.instant(), clock.instant().plus(TTL));
        List<Firing> one = List.of(firing("s", tick(1), FiringState.FIRED));

        assertUnchangedAfter("s", s -> {
            assertThatThrownBy(() -> store.advance("s", 1, tick(1), one, tick(2), never))
                    .as("no leader at all").isInstanceOf(NotLeaderException.class);
            Term real = leader("a");
            Term forged = new Term(real.term(), "b", real.electedAt(), real.until());
            assertThatThrownBy(() -> store.advance("s", 1, tick(1), one, tick(2), forged))
                    .as("the current number, another holder").isInstanceOf(NotLeaderException.class);
            assertThatThrownBy(() -> store.advance("s", 1, tick(1), one, tick(2), never))
                    .as("a number never elected").isInstanceOf(NotLeaderException.class);
            cluster.resign(real);
            assertThatThrownBy(() -> store.advance("s", 1, tick(1), one, tick(2), real))
                    .as("resigned").isInstanceOf(NotLeaderException.class);
        });
    }

    @Test
    void theTermIsCheckedBeforeAnythingElse() {
        Term old = leader("a");
        clock.set(old.until());

        assertThatThrownBy(() -> store.advance("never", 1, tick(1), List.of(), tick(2), old))
                .isInstanceOf(NotLeaderException.class);
        assertThatThrownBy(() -> store.release("never", tick(1), "r", clock.instant(), old))
                .isInstanceOf(NotLeaderException.class);
    }

    @Test
    void releasingAQueuedFiringFiresItWithTheRefAndTimeGiven() {
        saved("s", tick(2));
        Firing queued = firing("s", tick(1), FiringState.QUEUED);
        store.record(queued);
        Term term = leader("a");
        clock.advance(Duration.ofSeconds(4));

        assertThat(store.release("s", tick(1), "job-42", clock.instant(), term)).isTrue();

        Firing fired = new Firing("s", tick(1), FiringState.FIRED, "job-42", 1, clock.instant(), queued.reason());
        assertThat(store.firings("s", 10)).containsExactly(fired);
        assertThat(store.queued("s")).isEmpty();
        assertThat(store.lastStarted("s")).contains(fired);
        assertThat(store.release("s", tick(1), "job-43", clock.instant(), term)).as("released already").isFalse();
        assertThat(store.firings("s", 10)).containsExactly(fired);
    }

    @Test
    void onlyAQueuedFiringIsReleased() {
        saved("s", tick(9));
        Term term = leader("a");
        List<Firing> others = List.of(firing("s", tick(1), FiringState.FIRED), firing("s", tick(2), FiringState.TRIGGERED),
                firing("s", tick(3), FiringState.SKIPPED), firing("s", tick(4), FiringState.MISFIRED));
        others.forEach(store::record);

        for (int t = 1; t <= 5; t++) {
            assertThat(store.release("s", tick(t), "job", clock.instant(), term)).as("tick %d", t).isFalse();
        }
        assertThat(store.release("other", tick(1), "job", clock.instant(), term)).isFalse();
        assertThat(store.firings("s", 10)).containsExactlyElementsOf(others.reversed());
    }

    @Test
    void aStaleTermCannotReleaseAndTheFiringStaysQueued() {
        saved("s", tick(2));
        Firing queued = firing("s", tick(1), FiringState.QUEUED);
        store.record(queued);
        Term old = leader("a");
        clock.set(old.until());
        leader("b");

        assertThatThrownBy(() -> store.release("s", tick(1), "job", clock.instant(), old))
                .isInstanceOf(NotLeaderException.class)
                .hasMessageContaining("term " + old.term() + " of a");
        assertThat(store.queued("s")).contains(queued);
    }

    /** Runs {@code call} and checks that the schedule's row and firings are as they were. */
    void assertUnchangedAfter(String name, Consumer<String> call) {
        ScheduleRow row = row(name);
        List<Firing> firings = store.firings(name, 1_000);
        call.accept(name);
        assertThat(store.get(name)).as("the row of %s", name).contains(row);
        assertThat(store.firings(name, 1_000)).as("the firings of %s", name).isEqualTo(firings);
    }
}
