package io.bulwark.test.scheduler;

import io.bulwark.scheduler.Firing;
import io.bulwark.scheduler.FiringState;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Firings outside the leader's pass ({@code record}, a manual trigger from any node) and the
 * reads of the firings: newest first, the last started, the queued one; and pruning.
 */
abstract class FiringRules extends AdvanceRules {

    @Test
    void aFiringIsRecordedOncePerTickWithEveryFieldAsGiven() {
        saved("s", tick(3));
        Firing trigger = new Firing("s", tick(1).plusMillis(123), FiringState.TRIGGERED, "job-0192 é", 1,
                clock.instant().minusMillis(7), "by ops 'on call' \"now\"");
        Firing misfired = new Firing("s", tick(0), FiringState.MISFIRED, null, 12, clock.instant(), null);

        assertThat(store.record(trigger)).isTrue();
        assertThat(store.record(misfired)).isTrue();
        assertThat(store.record(firing("s", trigger.tick(), FiringState.SKIPPED))).as("the tick is taken").isFalse();

        assertThat(store.firings("s", 10)).containsExactly(trigger, misfired);
    }

    @Test
    void recordForAScheduleNeverSavedIsFalseAndKeepsNothing() {
        assertThat(store.record(firing("later", tick(1), FiringState.TRIGGERED))).isFalse();

        saved("later", tick(2));
        assertThat(store.firings("later", 10)).isEmpty();
        assertThat(store.lastStarted("later")).isEmpty();
    }

    @Test
    void firingsAreNewestTickFirstUpToTheLimitAndOfThatScheduleOnly() {
        saved("s", tick(9));
        saved("t", tick(9));
        for (int n : new int[] {3, 1, 5, 2, 4}) {
            store.record(firing("s", tick(n), FiringState.FIRED));
            clock.advance(Duration.ofSeconds(1));
        }
        store.record(firing("t", tick(6), FiringState.FIRED));

        assertThat(store.firings("s", 3)).extracting(Firing::tick).containsExactly(tick(5), tick(4), tick(3));
        assertThat(store.firings("s", 10)).extracting(Firing::tick)
                .containsExactly(tick(5), tick(4), tick(3), tick(2), tick(1));
        assertThat(store.firings("s", 0)).isEmpty();
        assertThat(store.firings("t", 10)).extracting(Firing::tick).containsExactly(tick(6));
        assertThatThrownBy(() -> store.firings("s", -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("limit").hasMessageContaining("-1");
    }

    @Test
    void lastStartedIsTheNewestFiredOrTriggeredIgnoringSkippedMisfiredAndQueued() {
        saved("s", tick(9));
        assertThat(store.lastStarted("s")).isEmpty();
        store.record(firing("s", tick(1), FiringState.FIRED));
        Firing triggered = firing("s", tick(2), FiringState.TRIGGERED);
        store.record(triggered);
        store.record(firing("s", tick(3), FiringState.SKIPPED));
        store.record(firing("s", tick(4), FiringState.MISFIRED));
        store.record(firing("s", tick(5), FiringState.QUEUED));

        assertThat(store.lastStarted("s")).contains(triggered);

        Firing fired = firing("s", tick(6), FiringState.FIRED);
        store.record(fired);
        assertThat(store.lastStarted("s")).contains(fired);
    }

    @Test
    void noneStartedWhenOnlySkippedMisfiredOrQueuedWereRecorded() {
        saved("s", tick(9));
        store.record(firing("s", tick(3), FiringState.SKIPPED));
        store.record(firing("s", tick(4), FiringState.MISFIRED));
        store.record(firing("s", tick(5), FiringState.QUEUED));

        assertThat(store.lastStarted("s")).isEmpty();
    }

    @Test
    void queuedIsTheFiringThatWaitsOfThatScheduleOnly() {
        saved("s", tick(9));
        saved("t", tick(9));
        store.record(firing("s", tick(1), FiringState.FIRED));
        store.record(firing("s", tick(2), FiringState.SKIPPED));
        assertThat(store.queued("s")).isEmpty();

        Firing waiting = firing("s", tick(3), FiringState.QUEUED);
        store.record(waiting);
        store.record(firing("s", tick(4), FiringState.SKIPPED));
        store.record(firing("t", tick(5), FiringState.QUEUED));

        assertThat(store.queued("s")).contains(waiting);
    }

    @Test
    void pruningDeletesTheFiringsRecordedBeforeTheTimeOfEverySchedule() {
        saved("s", tick(9));
        saved("t", tick(9));
        Instant cut = START.plus(Duration.ofHours(1));
        store.record(new Firing("s", tick(1), FiringState.FIRED, "r1", 1, cut.minusMillis(1), null));
        store.record(new Firing("t", tick(2), FiringState.SKIPPED, null, 1, cut.minus(Duration.ofDays(3)), "old"));
        Firing atTheCut = new Firing("s", tick(3), FiringState.FIRED, "r3", 1, cut, null);
        Firing after = new Firing("t", tick(0), FiringState.MISFIRED, null, 2, cut.plusMillis(1), null);
        store.record(atTheCut);
        store.record(after);

        assertThat(store.pruneFirings(cut)).isEqualTo(2);

        assertThat(store.firings("s", 10)).containsExactly(atTheCut);
        assertThat(store.firings("t", 10)).containsExactly(after);
        assertThat(store.pruneFirings(cut)).as("nothing left to prune").isZero();
        assertThat(store.list()).as("schedules stay").hasSize(2);
    }

    @Test
    void aTickPrunedMayBeRecordedAgain() {
        saved("s", tick(9));
        store.record(firing("s", tick(1), FiringState.TRIGGERED));
        clock.advance(Duration.ofDays(1));
        store.pruneFirings(clock.instant());

        assertThat(store.record(firing("s", tick(1), FiringState.TRIGGERED))).isTrue();
    }
}
