package io.bulwark.bench.fleet;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What PostgreSQL did during one measured run, to tell where the ceiling is.
 *
 * @param seconds the window the figures cover
 * @param commits transactions committed in the database meanwhile ({@code pg_stat_database.xact_commit}
 *                delta; every session's, the harness's polls included)
 * @param pgCpuSeconds CPU of the PostgreSQL server's processes, reaped backends included ({@link PostgresCpu})
 * @param busyCores the machine's busy CPU over the window, in cores
 * @param cores the machine's cores
 * @param samples samples of {@code pg_stat_activity} taken (every 100 ms), of the run's own sessions
 * @param lockSamples samples in which at least one of them waited on a heavyweight lock ({@code wait_event_type = 'Lock'})
 * @param activeBackends active sessions summed over the samples
 * @param waits backends summed over the samples per {@code wait_event_type:wait_event}
 */
record DbActivity(double seconds, long commits, double pgCpuSeconds, double busyCores, int cores, int samples, int lockSamples,
                  long activeBackends, Map<String, Long> waits) {

    DbActivity {
        waits = Map.copyOf(waits);
    }

    double commitsPerSecond() {
        return commits / seconds;
    }

    /** PostgreSQL's CPU as cores used on average. */
    double pgCores() {
        return pgCpuSeconds / seconds;
    }

    /** Share of samples in which some session of the run waited on a lock, 0 to 1. */
    double lockWaitShare() {
        return samples == 0 ? 0 : (double) lockSamples / samples;
    }

    /** Active sessions of the run on average. */
    double meanActive() {
        return samples == 0 ? 0 : (double) activeBackends / samples;
    }

    /** Mean sessions in each wait, the largest first, at most {@code limit}. */
    Map<String, Double> topWaits(int limit) {
        return waits.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
                .limit(limit)
                .collect(Collectors.toMap(Map.Entry::getKey, e -> samples == 0 ? 0 : (double) e.getValue() / samples,
                        (a, b) -> a, LinkedHashMap::new));
    }

    /** Mean sessions waiting for the WAL to be written or flushed, i.e. for commits. */
    double walWaiters() {
        return samples == 0 ? 0 : waits.entrySet().stream().filter(e -> e.getKey().contains("WAL"))
                .mapToLong(Map.Entry::getValue).sum() / (double) samples;
    }
}
