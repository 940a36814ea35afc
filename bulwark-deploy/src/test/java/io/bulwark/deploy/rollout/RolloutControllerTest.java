package io.bulwark.deploy.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.bulwark.core.json.Json;
import io.bulwark.core.time.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RolloutControllerTest {

    private static final String ERRORS = "sum(rate(errors[1m]))/sum(rate(requests[1m]))";

    private final SettableClock clock = SettableClock.at(Instant.parse("2025-01-01T00:00:00Z"));
    private final FakeDriver driver = new FakeDriver();
    private final FakeSource source = new FakeSource();
    private final List<Transition> transitions = new ArrayList<>();
    private final List<Measurement> measurements = new ArrayList<>();
    private final RolloutListener listener = new RolloutListener() {
        @Override
        public void onTransition(RolloutState state, Transition t) {
            transitions.add(t);
        }

        @Override
        public void onMeasurement(String rollout, String metric, Measurement m) {
            measurements.add(m);
        }
    };

    static String canary() {
        return """
                name: checkout
                driver: {type: fake}
                analysisTemplates:
                  errors:
                    metrics:
                      - name: error-rate
                        provider: {prometheus: {address: http://prom:9090, query: '%s'}}
                        successCondition: result < 0.05
                        interval: 10s
                        count: 2
                strategy:
                  canary:
                    steps:
                      - setWeight: 10
                      - analysis: {templates: [errors]}
                      - setWeight: 25
                      - pause: {duration: 30s}
                      - setWeight: 50
                      - analysis: {templates: [errors]}
                      - setWeight: 100
                """.formatted(ERRORS);
    }

    private RolloutController start(String yaml) {
        return RolloutController.start(RolloutSpecs.parse(yaml), driver, m -> source, clock, listener);
    }

    private RolloutState tick(RolloutController c, int seconds) {
        clock.advance(Duration.ofSeconds(seconds));
        return c.advance();
    }

    @Test
    void goodCanaryIsPromotedThroughItsWeightsWithPassingAnalyses() {
        source.answer(ERRORS, 0.01);
        RolloutController c = start(canary());
        RolloutState s = c.advance();
        assertThat(s.weight()).isEqualTo(10);
        assertThat(s.step()).isEqualTo(1);
        assertThat(s.activeRun().metrics().getFirst().measurements()).hasSize(1);
        s = tick(c, 10); // second measurement: analysis done, 25, then the 30s pause
        assertThat(s.weight()).isEqualTo(25);
        assertThat(s.phase()).isEqualTo(RolloutPhase.PAUSED);
        assertThat(s.pauseReason()).isEqualTo("step");
        s = tick(c, 29);
        assertThat(s.phase()).isEqualTo(RolloutPhase.PAUSED);
        s = tick(c, 1);
        assertThat(s.weight()).isEqualTo(50);
        assertThat(s.phase()).isEqualTo(RolloutPhase.PROGRESSING);
        s = tick(c, 10);
        assertThat(s.phase()).isEqualTo(RolloutPhase.HEALTHY);
        assertThat(s.weight()).isEqualTo(100);
        assertThat(driver.calls).containsExactly(0, 10, 25, 50, 100);
        assertThat(s.analysisRuns()).extracting(AnalysisRunState::phase)
                .containsExactly(AnalysisPhase.SUCCESSFUL, AnalysisPhase.SUCCESSFUL);
        assertThat(measurements).hasSize(4).allMatch(m -> m.phase() == AnalysisPhase.SUCCESSFUL);
        assertThat(transitions.getLast().reason()).startsWith("completed");
    }

    @Test
    void badCanaryIsAbortedAtTheFirstFailingAnalysisBackToZero() {
        source.answer(ERRORS, 0.01, 0.08);
        RolloutController c = start(canary());
        c.advance();
        RolloutState s = tick(c, 10);
        assertThat(s.phase()).isEqualTo(RolloutPhase.DEGRADED);
        assertThat(s.weight()).isZero();
        assertThat(driver.weight).isZero();
        assertThat(driver.calls).containsExactly(0, 10, 0);
        assertThat(s.message()).contains("analysis step-1 failed").contains("failed (1) > failureLimit (0); last failed measurement 0.08 against successCondition `result < 0.05` (not met)");
        AnalysisRunState run = s.analysisRuns().getFirst();
        assertThat(run.phase()).isEqualTo(AnalysisPhase.FAILED);
        assertThat(run.metrics().getFirst().measurements()).extracting(Measurement::value)
                .containsExactly(List.of(0.01), List.of(0.08));
        // Ended: further ticks change nothing.
        assertThat(tick(c, 60).weight()).isZero();
        assertThat(driver.calls).hasSize(3);
    }

    @Test
    void analysisErrorsBeyondTheLimitAbortAndInconclusivePauses() {
        String yaml = """
                name: inc
                driver: {type: fake}
                strategy:
                  canary:
                    steps:
                      - setWeight: 20
                      - analysis:
                          metrics:
                            - name: m
                              provider: {bulwark: {query: q}}
                              successCondition: result < 0.01
                              failureCondition: result > 0.05
                      - setWeight: 100
                """;
        source.answer("q", 0.03);
        RolloutController c = start(yaml);
        RolloutState s = c.advance();
        assertThat(s.phase()).isEqualTo(RolloutPhase.PAUSED);
        assertThat(s.pauseReason()).isEqualTo("inconclusive");
        assertThat(s.weight()).isEqualTo(20);
        s = c.resume();
        assertThat(s.phase()).isEqualTo(RolloutPhase.HEALTHY);
        assertThat(s.weight()).isEqualTo(100);
    }

    @Test
    void pauseWithoutDurationWaitsUntilResumedOrPromoted() {
        RolloutController c = start("""
                name: manual
                driver: {type: fake}
                strategy: {canary: {steps: [{setWeight: 10}, {pause: {}}, {setWeight: 50}, {pause: {}}, {setWeight: 100}]}}
                """);
        RolloutState s = c.advance();
        assertThat(s.phase()).isEqualTo(RolloutPhase.PAUSED);
        assertThat(tick(c, 86_400).weight()).isEqualTo(10);
        s = c.resume();
        assertThat(s.weight()).isEqualTo(50);
        assertThat(s.phase()).isEqualTo(RolloutPhase.PAUSED);
        s = c.promote();
        assertThat(s.phase()).isEqualTo(RolloutPhase.HEALTHY);
        assertThat(s.weight()).isEqualTo(100);
        assertThatThrownBy(c::resume).isInstanceOf(RolloutActionException.class)
                .hasMessageContaining("phase HEALTHY").hasMessageContaining("applies to PAUSED");
    }

    @Test
    void pauseResumeAbortRetry() {
        source.answer(ERRORS, 0.01);
        RolloutController c = start(canary());
        c.advance();
        RolloutState s = c.pause();
        assertThat(s.phase()).isEqualTo(RolloutPhase.PAUSED);
        assertThat(s.pauseReason()).isEqualTo("user");
        assertThat(tick(c, 60).step()).isEqualTo(1);
        assertThatThrownBy(c::pause).isInstanceOf(RolloutActionException.class).hasMessageContaining("phase PAUSED");
        assertThatThrownBy(c::retry).isInstanceOf(RolloutActionException.class).hasMessageContaining("applies to DEGRADED");
        s = c.resume(); // the analysis goes on where it was: its second measurement passes, then 25 and the timed pause
        assertThat(s.phase()).isEqualTo(RolloutPhase.PAUSED);
        assertThat(s.pauseReason()).isEqualTo("step");
        assertThat(s.weight()).isEqualTo(25);
        s = c.abort("by hand");
        assertThat(s.phase()).isEqualTo(RolloutPhase.DEGRADED);
        assertThat(s.weight()).isZero();
        assertThat(s.analysisRuns()).isNotEmpty();
        assertThatThrownBy(() -> c.abort("again")).isInstanceOf(RolloutActionException.class);
        s = c.retry();
        assertThat(s.attempt()).isEqualTo(2);
        assertThat(s.phase()).isEqualTo(RolloutPhase.PROGRESSING);
        assertThat(s.step()).isEqualTo(1);
        assertThat(s.weight()).isEqualTo(10);
        assertThat(s.history()).extracting(Transition::reason).anyMatch(r -> r.startsWith("retried"));
    }

    @Test
    void blueGreenSwitchesAfterPrePromotionAnalysisAndManualPromotionThenRollsBack() {
        source.answer(ERRORS, 0.01);
        RolloutController c = start("""
                name: bg
                driver: {type: fake}
                strategy:
                  blueGreen:
                    autoPromotionEnabled: false
                    scaleDownDelay: 30s
                    prePromotionAnalysis:
                      metrics:
                        - {name: e, provider: {prometheus: {address: http://p, query: '%s'}}, successCondition: result < 0.05}
                    postPromotionAnalysis:
                      metrics:
                        - {name: e, provider: {prometheus: {address: http://p, query: '%s'}}, successCondition: result < 0.05}
                """.formatted(ERRORS, ERRORS));
        RolloutState s = c.advance();
        assertThat(s.phase()).isEqualTo(RolloutPhase.PAUSED);
        assertThat(s.weight()).isZero();
        assertThat(s.analysisRuns()).extracting(AnalysisRunState::name).containsExactly("pre-promotion");
        s = c.resume(); // the switch
        assertThat(s.weight()).isEqualTo(100);
        assertThat(s.phase()).isEqualTo(RolloutPhase.PROGRESSING); // in the scale-down delay
        s = c.abort("rollback");
        assertThat(s.weight()).isZero();
        assertThat(driver.calls).containsExactly(0, 100, 0);
    }

    @Test
    void blueGreenAutoPromotesAndRollsBackWhenPostPromotionAnalysisFails() {
        source.answer(ERRORS, 0.01, 0.3);
        RolloutController c = start("""
                name: bg
                driver: {type: fake}
                strategy:
                  blueGreen:
                    autoPromotionSeconds: 60
                    prePromotionAnalysis:
                      metrics: [{name: e, provider: {prometheus: {query: '%s'}}, successCondition: result < 0.05}]
                    postPromotionAnalysis:
                      metrics: [{name: e, provider: {prometheus: {query: '%s'}}, successCondition: result < 0.05}]
                """.formatted(ERRORS, ERRORS));
        assertThat(c.advance().weight()).isZero();
        RolloutState s = tick(c, 60);
        assertThat(s.phase()).isEqualTo(RolloutPhase.DEGRADED);
        assertThat(driver.calls).containsExactly(0, 100, 0);
        assertThat(s.message()).contains("post-promotion failed");
    }

    @Test
    void blueGreenCompletesAfterTheScaleDownDelay() {
        RolloutController c = start("""
                name: bg
                driver: {type: fake}
                strategy: {blueGreen: {scaleDownDelaySeconds: 30}}
                """);
        assertThat(c.advance().weight()).isEqualTo(100);
        assertThat(tick(c, 29).phase()).isEqualTo(RolloutPhase.PROGRESSING);
        assertThat(tick(c, 1).phase()).isEqualTo(RolloutPhase.HEALTHY);
    }

    @Test
    void restartFromSavedJsonContinuesAtTheSameStepAndWeight() throws Exception {
        source.answer(ERRORS, 0.01);
        RolloutController first = start(canary());
        first.advance();
        tick(first, 10); // paused at step 3 (30s), weight 25
        ObjectMapper json = Json.mapper();
        String saved = json.writeValueAsString(first.state());
        RolloutState restored = json.readValue(saved, RolloutState.class);
        assertThat(restored).isEqualTo(first.state());

        FakeDriver fresh = new FakeDriver();
        RolloutController second = RolloutController.resume(RolloutSpecs.parse(canary()), restored, fresh, m -> source, clock, listener);
        RolloutState s = second.advance();
        assertThat(fresh.calls).containsExactly(25); // the saved weight is set again
        assertThat(s.step()).isEqualTo(3);
        assertThat(s.phase()).isEqualTo(RolloutPhase.PAUSED);
        s = tick(second, 30);
        assertThat(s.weight()).isEqualTo(50);
        s = tick(second, 10);
        assertThat(s.phase()).isEqualTo(RolloutPhase.HEALTHY);
        assertThat(fresh.calls).containsExactly(25, 50, 100);
    }

    @Test
    void restartMidAnalysisKeepsItsMeasurements() throws Exception {
        source.answer(ERRORS, 0.01);
        RolloutController first = start(canary());
        first.advance();
        String saved = Json.mapper().writeValueAsString(first.state());
        RolloutController second = RolloutController.resume(RolloutSpecs.parse(canary()),
                Json.mapper().readValue(saved, RolloutState.class), driver, m -> source, clock, listener);
        RolloutState s = tick(second, 10);
        assertThat(s.analysisRuns().getFirst().metrics().getFirst().measurements()).hasSize(2);
        assertThat(s.weight()).isEqualTo(25);
    }

    @Test
    void driverFailureIsRecordedAndRetriedOnTheNextAdvance() {
        source.answer(ERRORS, 0.01);
        RolloutController c = start(canary());
        c.advance();
        driver.failuresLeft = 2;
        RolloutState s = tick(c, 10);
        assertThat(s.driverError()).contains("fake upstream unreachable").contains("weight 25");
        assertThat(s.weight()).isEqualTo(10);
        assertThat(s.targetWeight()).isEqualTo(25);
        assertThat(s.step()).isEqualTo(2);
        s = tick(c, 1);
        assertThat(s.weight()).isEqualTo(10); // second failure, same error recorded once
        assertThat(s.history()).filteredOn(t -> t.reason().contains("unreachable")).hasSize(1);
        s = tick(c, 1);
        assertThat(s.driverError()).isNull();
        assertThat(s.weight()).isEqualTo(25);
        assertThat(s.phase()).isEqualTo(RolloutPhase.PAUSED);
    }

    @Test
    void abortWhileTheDriverFailsKeepsTryingZero() {
        RolloutController c = start("""
                name: m
                driver: {type: fake}
                strategy: {canary: {steps: [{setWeight: 30}, {pause: {}}, {setWeight: 100}]}}
                """);
        c.advance();
        driver.failuresLeft = 1;
        RolloutState s = c.abort(null);
        assertThat(s.phase()).isEqualTo(RolloutPhase.DEGRADED);
        assertThat(s.weight()).isEqualTo(30);
        assertThat(s.targetWeight()).isZero();
        assertThat(c.advance().weight()).isZero();
    }
}
