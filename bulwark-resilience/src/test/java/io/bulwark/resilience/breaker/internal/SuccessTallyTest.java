package io.bulwark.resilience.breaker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.resilience.breaker.internal.CallWindow.Outcome;
import org.junit.jupiter.api.Test;

class SuccessTallyTest {

    @Test
    void recordsArrivingAfterTheirWindowWasReplacedCountOnceAndOnlyAsWhatTheyWere() {
        SuccessTally tally = new SuccessTally();
        CountWindow first = new CountWindow(10, tally);
        first.record(Outcome.SUCCESS, 0);
        first.record(Outcome.SUCCESS, 0);
        first.record(Outcome.FAILURE, 0);
        CountWindow second = new CountWindow(10, tally);
        first.retire();
        first.retire(); // a second retirement counts nothing twice
        assertThat(tally.successes(second)).isEqualTo(2);

        first.record(Outcome.SUCCESS, 0); // late: a thread still held the old snapshot
        first.record(Outcome.SLOW_FAILURE, 0);
        second.record(Outcome.SUCCESS, 0);
        second.record(Outcome.SLOW_SUCCESS, 0);
        assertThat(tally.successes(second)).isEqualTo(4);
        assertThat(first.counts(0).total()).as("the late records still land in the old window").isEqualTo(5);
    }

    @Test
    void aWindowBeingReplacedIsUnderCountedForAnInstantAndTheCountNeverGoesDown() {
        SuccessTally tally = new SuccessTally();
        CountWindow window = new CountWindow(10, tally);
        for (int i = 0; i < 5; i++) {
            window.record(Outcome.SUCCESS, 0);
        }
        assertThat(tally.successes(window)).isEqualTo(5);
        window.retire();
        // read against the replaced window before the new one is in place: its tickets are already retired
        assertThat(tally.successes(window)).isEqualTo(5);
        tally.notSuccess.increment(); // a failure between its two steps
        assertThat(tally.successes(window)).as("the highest count so far").isEqualTo(5);
    }
}
