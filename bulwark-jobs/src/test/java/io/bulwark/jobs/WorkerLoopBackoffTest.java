package io.bulwark.jobs;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A step whose store keeps failing tries less and less often, up to once in 64 ticks, and at once again when it works. */
class WorkerLoopBackoffTest {

    /** Drives the back-off through {@code ticks} ticks of a step that fails while {@code failing} says so. */
    private static List<Integer> triedAt(int ticks, java.util.function.IntPredicate failing) {
        WorkerLoop.Backoff b = new WorkerLoop.Backoff();
        List<Integer> tried = new ArrayList<>();
        for (int tick = 0; tick < ticks; tick++) {
            if (b.skip()) {
                continue;
            }
            tried.add(tick);
            if (failing.test(tick)) {
                b.failed();
            } else {
                b.succeeded();
            }
        }
        return tried;
    }

    @Test
    void theGapBetweenTriesDoublesUpToSixtyFourTicks() {
        List<Integer> tried = triedAt(400, t -> true);
        List<Integer> gaps = new ArrayList<>();
        for (int i = 1; i < tried.size(); i++) {
            gaps.add(tried.get(i) - tried.get(i - 1));
        }
        assertThat(gaps).startsWith(2, 4, 8, 16, 32, 64, 64, 64);
    }

    @Test
    void oneSuccessEndsTheBackOffAndTheStepRunsEveryTickAgain() {
        List<Integer> tried = triedAt(200, t -> t < 100);
        int firstOk = tried.stream().filter(t -> t >= 100).findFirst().orElseThrow();
        assertThat(tried).filteredOn(t -> t > firstOk).hasSize(200 - firstOk - 1);
    }
}
