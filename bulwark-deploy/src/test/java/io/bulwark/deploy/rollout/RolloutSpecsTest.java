package io.bulwark.deploy.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RolloutSpecsTest {

    private static List<SpecError> errors(String yaml) {
        try {
            RolloutSpecs.parse(yaml);
        } catch (InvalidRolloutException e) {
            return e.errors();
        }
        throw new AssertionError("expected errors for " + yaml);
    }

    @Test
    void readsACanaryWithTemplatesAndInlineMetrics() {
        RolloutSpec spec = RolloutSpecs.parse(RolloutControllerTest.canary());
        assertThat(spec.name()).isEqualTo("checkout");
        Strategy.Canary c = (Strategy.Canary) spec.strategy();
        assertThat(c.steps()).hasSize(7);
        assertThat(c.steps().get(3)).isEqualTo(new Step.Pause(java.time.Duration.ofSeconds(30)));
        MetricSpec m = spec.metrics().getFirst().value();
        assertThat(m.providerSettings()).containsEntry("address", "http://prom:9090");
        assertThat(m.failureLimit()).isZero();
        assertThat(m.consecutiveErrorLimit()).isEqualTo(4);
        assertThat(spec.metrics().getFirst().field()).isEqualTo("strategy.canary.steps[1].analysis.metrics[0]");
    }

    @Test
    void readsJsonToo() {
        RolloutSpec spec = RolloutSpecs.parse("""
                {"name":"a","driver":{"type":"nginx","upstream":"app"},
                 "strategy":{"blueGreen":{"autoPromotionEnabled":false}}}""");
        assertThat(spec.driver().settings()).containsEntry("upstream", "app");
        assertThat(((Strategy.BlueGreen) spec.strategy()).autoPromotion()).isNull();
        assertThat(((Strategy.BlueGreen) spec.strategy()).scaleDownDelay()).hasSeconds(30);
    }

    @Test
    void collectsEveryErrorNamingItsField() {
        List<SpecError> e = errors("""
                name: Bad Name
                driver: {}
                strategy:
                  canary:
                    steps:
                      - setWeight: 10
                      - setWeight: 120
                      - pause: {duration: soon}
                      - analysis:
                          metrics:
                            - name: m
                              provider: {prometheus: {address: x, query: up}}
                              successCondition: 'result >= (0.95'
                              interval: 10s
                              count: -2
                              failureLimit: -5
                      - jump: 3
                      - setWeight: 50
                """);
        assertThat(e).extracting(SpecError::field).contains(
                "name", "driver.type", "strategy.canary.steps[1].setWeight", "strategy.canary.steps[2].pause.duration",
                "strategy.canary.steps[3].analysis.metrics[0].successCondition",
                "strategy.canary.steps[3].analysis.metrics[0].count",
                "strategy.canary.steps[3].analysis.metrics[0].failureLimit",
                "strategy.canary.steps[4]", "strategy.canary.steps[5].setWeight");
        assertThat(e).filteredOn(x -> x.field().equals("strategy.canary.steps[1].setWeight"))
                .extracting(SpecError::message).first().asString().contains("0 to 100").contains("120");
        assertThat(e).filteredOn(x -> x.field().equals("strategy.canary.steps[5].setWeight"))
                .extracting(SpecError::message).first().asString().contains("last setWeight must be 100");
        assertThat(e).filteredOn(x -> x.field().equals("strategy.canary.steps[2].pause.duration"))
                .extracting(SpecError::message).first().asString().contains("30s").contains("soon");
        assertThat(e).filteredOn(x -> x.field().equals("strategy.canary.steps[4]"))
                .extracting(SpecError::message).first().asString().contains("setWeight, pause, analysis");
    }

    @Test
    void negativeWeightAndMissingFullWeight() {
        assertThat(errors("name: a\ndriver: {type: x}\nstrategy: {canary: {steps: [{setWeight: -1}]}}"))
                .extracting(SpecError::field).containsExactly("strategy.canary.steps[0].setWeight", "strategy.canary.steps");
    }

    @Test
    void countAboveOneNeedsAnInterval() {
        assertThat(errors("""
                name: a
                driver: {type: x}
                strategy: {blueGreen: {prePromotionAnalysis: {metrics: [{name: m, provider: {bulwark: {query: q}}, count: 3}]}}}
                """)).extracting(SpecError::field).containsExactly("strategy.blueGreen.prePromotionAnalysis.metrics[0].interval");
    }

    @Test
    void unknownTemplateAndBadYaml() {
        assertThat(errors("""
                name: a
                driver: {type: x}
                strategy: {canary: {steps: [{analysis: {templates: [nope]}}, {setWeight: 100}]}}
                """)).extracting(SpecError::field).containsExactly("strategy.canary.steps[0].analysis.templates[0]");
        assertThat(errors("name: [unclosed")).extracting(SpecError::field).containsExactly("(document)");
    }

    @Test
    void catalogRefusesUnknownDriverAndProviderAndBadQueriesListingWhatIsKnown() {
        RolloutCatalog catalog = RolloutCatalog.of(
                Map.of("fake", new TrafficDriver.Factory() {
                    public String type() {
                        return "fake";
                    }

                    public TrafficDriver create(Map<String, Object> settings) {
                        return new FakeDriver();
                    }
                }),
                Map.of("prometheus", new MetricSourceFactory() {
                    public String provider() {
                        return "prometheus";
                    }

                    public MetricSource create(Map<String, Object> settings) {
                        return new FakeSource();
                    }
                }));
        RolloutSpec spec = RolloutSpecs.parse("""
                name: a
                driver: {type: linkerd}
                strategy:
                  canary:
                    steps:
                      - analysis:
                          metrics:
                            - {name: m, provider: {prometheus: {query: 'sum((x'}}}
                            - {name: n, provider: {datadog: {query: 'x'}}}
                      - setWeight: 100
                """);
        List<SpecError> e = catalog.validate(spec);
        assertThat(e).extracting(SpecError::field).containsExactly("driver.type",
                "strategy.canary.steps[0].analysis.metrics[1].provider",
                "strategy.canary.steps[0].analysis.metrics[0].provider.prometheus.query");
        assertThat(e.getFirst().message()).contains("linkerd").contains("known: fake");
        assertThat(e.get(1).message()).contains("known: prometheus");
        assertThat(e.get(2).message()).contains("parse error");
        assertThat(RolloutSpecs.check(RolloutSpecs.parse(RolloutControllerTest.canary()), Set.of("fake"), Set.of("prometheus"))).isEmpty();
        assertThatThrownBy(() -> catalog.parseAndValidate("name: a")).isInstanceOf(InvalidRolloutException.class)
                .hasMessageContaining("driver").hasMessageContaining("strategy");
    }
}
