package io.bulwark.jdbc.database;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * How long each store operation's transactions took (from the connection in hand to the commit),
 * kept per operation name: the slow-statement figures where {@code pg_stat_statements} is not
 * there. Operation names are the store's own constants, so the map stays small; recording is two
 * adds and a max, with no allocation once an operation has been seen.
 */
final class OperationTimings {

    private static final class Timing {
        final LongAdder calls = new LongAdder();
        final LongAdder nanos = new LongAdder();
        final LongAccumulator max = new LongAccumulator(Math::max, 0);
    }

    private final Map<String, Timing> timings = new ConcurrentHashMap<>();

    void record(String operation, long nanos) {
        Timing t = timings.get(operation);
        if (t == null) {
            t = timings.computeIfAbsent(operation, k -> new Timing());
        }
        t.calls.increment();
        t.nanos.add(nanos);
        t.max.accumulate(nanos);
    }

    /** Every operation seen, most total time first. */
    List<StatementStats.Statement> snapshot() {
        return timings.entrySet().stream()
                .map(e -> new StatementStats.Statement("store operation '" + e.getKey() + "'", e.getValue().calls.sum(),
                        e.getValue().nanos.sum() / 1e6, e.getValue().max.get() / 1e6))
                .sorted(Comparator.comparingDouble(StatementStats.Statement::totalMillis).reversed())
                .toList();
    }
}
