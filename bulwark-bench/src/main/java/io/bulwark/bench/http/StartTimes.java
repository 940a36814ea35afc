package io.bulwark.bench.http;

import java.time.Duration;
import java.util.List;

/**
 * Start-to-ready times of several server starts. Both the minimum (the machine's best, page
 * cache warm) and the median (what a restart typically costs) are reported; a mean would let
 * one slow start hide either.
 *
 * @param runs each start's time, in the order measured
 */
public record StartTimes(List<Duration> runs) {

    public StartTimes {
        runs = List.copyOf(runs);
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("runs must hold at least one start but was empty");
        }
    }

    /** The fastest start. */
    public Duration min() {
        return runs.stream().min(Duration::compareTo).orElseThrow();
    }

    /** The middle start; with an even count, the mean of the two middle ones. */
    public Duration median() {
        List<Duration> sorted = runs.stream().sorted().toList();
        int mid = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(mid) : sorted.get(mid - 1).plus(sorted.get(mid)).dividedBy(2);
    }
}
