package io.bulwark.server.internal.tuning;

import io.bulwark.jdbc.database.StatementStats;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The slow-statement rule from figures made by hand: the window's change, not the totals, decides. */
class SlowStatementAdviceTest {

    private static final Instant T0 = Instant.parse("2026-12-05T12:00:00Z");
    private static final Duration SLOW = Duration.ofMillis(100);

    private static Figures at(Instant at, StatementStats stats) {
        return new Figures(at, Map.of(), Map.of(), Map.of(), 0.2, Map.of(), stats);
    }

    private static StatementStats ops(StatementStats.Statement... statements) {
        return new StatementStats(StatementStats.OPERATIONS, List.of(statements), "MariaDB has no pg_stat_statements: "
                + "the store's own timings of its transactions");
    }

    private static StatementStats.Statement op(String name, long calls, double totalMillis) {
        return new StatementStats.Statement("store operation '" + name + "'", calls, totalMillis, totalMillis / Math.max(calls, 1) * 2);
    }

    @Test
    void anOperationSlowOverTheWindowIsAdvisedWithItsFiguresAndWhereToLook() {
        Figures first = at(T0, ops(op("claim", 1000, 5_000), op("enqueue", 100, 100)));
        // In the window: 50 claims that took 200 ms each; 100 enqueues at 1 ms.
        Figures last = at(T0.plusSeconds(600), ops(op("claim", 1050, 15_000), op("enqueue", 200, 200)));

        List<Advisor.Advice> advice = Advisor.slowStatements(first, last, Duration.ofMinutes(10), SLOW);

        assertThat(advice).hasSize(1);
        Advisor.Advice a = advice.get(0);
        assertThat(a.area()).isEqualTo("slow statement");
        assertThat(a.subject()).isEqualTo("store operation 'claim'");
        assertThat(a.setting()).isNull();
        assertThat(a.current()).isEqualTo("200 ms on average");
        assertThat(a.suggested()).contains("pg_stat_statements", "long_query_time");
        assertThat(a.evidence().get(0)).isEqualTo("50 executions in 10m took 200 ms each on average (10.0 s in all), "
                + "over tuning.slowStatement (100ms)");
        assertThat(a.evidence().get(2)).contains("timed by the store", "MariaDB has no pg_stat_statements");
        // The totals alone (15 s over 1,050 claims: 14 ms each) would not have shown it.
    }

    @Test
    void tooFewExecutionsAResetAndTheFastestAreNotAdvisedAndAtMostFiveAre() {
        Figures first = at(T0, ops(op("rare", 0, 0), op("reset", 500, 100_000)));
        Figures last = at(T0.plusSeconds(60), ops(op("rare", 9, 9 * 500), op("reset", 20, 20 * 150)));
        List<Advisor.Advice> advice = Advisor.slowStatements(first, last, Duration.ofMinutes(1), SLOW);
        // "rare": 9 executions, under the 10 needed; "reset": the counts went down, so the window is all 20 at 150 ms.
        assertThat(advice).extracting(Advisor.Advice::subject).containsExactly("store operation 'reset'");

        List<StatementStats.Statement> many = new ArrayList<>();
        for (int i = 1; i <= 8; i++) {
            many.add(op("op" + i, 10, 10 * (100 + i)));
        }
        Figures none = at(T0, null);
        Figures lots = at(T0.plusSeconds(60), ops(many.toArray(StatementStats.Statement[]::new)));
        assertThat(Advisor.slowStatements(none, lots, Duration.ofMinutes(1), SLOW)).extracting(Advisor.Advice::subject)
                .containsExactly("store operation 'op8'", "store operation 'op7'", "store operation 'op6'",
                        "store operation 'op5'", "store operation 'op4'");
        assertThat(Advisor.slowStatements(lots, none, Duration.ofMinutes(1), SLOW)).as("the embedded store: no figures")
                .isEmpty();
    }
}
