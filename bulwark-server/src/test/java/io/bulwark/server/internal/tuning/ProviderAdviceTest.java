package io.bulwark.server.internal.tuning;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The tuner's retry and breaker rules, from figures made by hand. */
class ProviderAdviceTest {

    private static final Instant T0 = Instant.parse("2026-12-05T10:00:00Z");
    private static final Advisor.ProviderSettings THREE_TRIES = new Advisor.ProviderSettings("llm", 3, Duration.ofSeconds(30));

    private static List<Advisor.Advice> advise(Figures.Calls before, Figures.Calls after) {
        Figures first = new Figures(T0, Map.of(), Map.of(), Map.of(), 0.2, Map.of("openai", before));
        Figures last = new Figures(T0.plusSeconds(600), Map.of(), Map.of(), Map.of(), 0.2, Map.of("openai", after));
        return Advisor.advise(first, last, Map.of(), c -> null, p -> p.equals("openai") ? THREE_TRIES : null);
    }

    @Test
    void retriesThatNeverRescueACallAreAdvisedDownToOneAttempt() {
        List<Advisor.Advice> advice = advise(new Figures.Calls(5, 10, 0), new Figures.Calls(5, 70, 0));
        assertThat(advice).hasSize(1);
        Advisor.Advice a = advice.getFirst();
        assertThat(a.area()).isEqualTo("retry");
        assertThat(a.setting()).isEqualTo("retries.llm.maxAttempts");
        assertThat(a.current()).isEqualTo("3");
        assertThat(a.suggested()).isEqualTo("1");
        assertThat(a.evidence().getFirst()).isEqualTo("60 calls to openai were retried in 10m; a retry rescued 0 of them (0%)");
    }

    @Test
    void retriesThatOftenRescueButStillRunOutGetOneMoreAttempt() {
        List<Advisor.Advice> advice = advise(new Figures.Calls(0, 0, 0), new Figures.Calls(30, 10, 0));
        assertThat(advice).singleElement().satisfies(a -> {
            assertThat(a.suggested()).isEqualTo("4");
            assertThat(a.evidence().get(1)).contains("10 still failed when their 3 attempts ran out");
        });
    }

    @Test
    void retriesThatHelpAndRarelyRunOutOrTooFewToJudgeGiveNoAdvice() {
        assertThat(advise(new Figures.Calls(0, 0, 0), new Figures.Calls(40, 1, 0))).isEmpty();
        assertThat(advise(new Figures.Calls(0, 0, 0), new Figures.Calls(0, 19, 0))).as("under 20 retried").isEmpty();
    }

    @Test
    void aFlappingBreakerIsAdvisedALongerWaitInOpen() {
        List<Advisor.Advice> advice = advise(new Figures.Calls(0, 0, 1), new Figures.Calls(0, 0, 5));
        assertThat(advice).singleElement().satisfies(a -> {
            assertThat(a.area()).isEqualTo("breaker");
            assertThat(a.setting()).isEqualTo("providers.openai.breaker.waitInOpen");
            assertThat(a.current()).isEqualTo("30s");
            assertThat(a.suggested()).isEqualTo("1m");
            assertThat(a.evidence().getFirst()).isEqualTo("the breaker of openai opened 4 times in 10m");
        });
        assertThat(advise(new Figures.Calls(0, 0, 1), new Figures.Calls(0, 0, 3))).as("twice is not flapping").isEmpty();
    }

    @Test
    void aProviderTheTunerDoesNotKnowGetsNoAdvice() {
        Figures first = new Figures(T0, Map.of(), Map.of(), Map.of(), 0.2, Map.of("gone", new Figures.Calls(0, 0, 0)));
        Figures last = new Figures(T0.plusSeconds(60), Map.of(), Map.of(), Map.of(), 0.2,
                Map.of("gone", new Figures.Calls(0, 100, 9)));
        assertThat(Advisor.advise(first, last, Map.of(), c -> null, p -> null)).isEmpty();
    }
}
