package io.bulwark.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.core.json.Json;
import io.bulwark.core.validation.FieldProblem;
import io.bulwark.core.validation.ValidationException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PipelineDefinitionsTest {

    static final String ETL = """
            {"id": "etl", "steps": [
              {"id": "extract", "type": "builtin.echo", "input": {"rows": [1, 2, 3], "source": "${input.source}"}},
              {"id": "load", "type": "builtin.noop", "after": ["extract"]}
            ]}""";

    static JsonNode json(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void aBackoffBaseThatIsNotADurationIsAProblemNotACrash() {
        // Found by MutatedBodiesPropertiesTest: a base of 0 (a number) made the cap's default throw a NullPointerException.
        String json = "{\"id\":\"p\",\"steps\":[{\"id\":\"a\",\"type\":\"builtin.echo\","
                + "\"retry\":{\"maxAttempts\":3,\"backoff\":{\"base\":0,\"factor\":2}}}]}";
        List<Problem> problems = PipelineDefinitions.check(json, PipelineFormat.JSON, StepTypes.any());
        assertThat(problems).extracting(Problem::field).containsExactly("steps[0].retry.backoff.base");
    }

    @Test
    void readsTheMinimalJsonForm() {
        PipelineDefinition d = PipelineDefinitions.parse(ETL, PipelineFormat.JSON);

        assertThat(d.id()).isEqualTo("etl");
        assertThat(d.version()).isEqualTo(1);
        assertThat(d.steps()).extracting(StepDefinition::id).containsExactly("extract", "load");
        assertThat(d.steps().get(0).input()).isEqualTo(json("{\"rows\": [1, 2, 3], \"source\": \"${input.source}\"}"));
        assertThat(d.steps().get(1).after()).containsExactly(After.of("extract"));
        assertThat(d.steps().get(1).onFailure()).isEqualTo(OnFailure.FAIL);
    }

    @Test
    void readsEveryFieldFromYaml() {
        String yaml = """
                id: orders
                version: 3
                inputSchema: {type: object, required: [day]}
                steps:
                  - id: list
                    type: http
                    input: {url: "https://shop.example/orders?day=${input.day}"}
                  - id: charge
                    type: payments.charge
                    input: {order: "${item}", n: "${index}"}
                    after:
                      - step: list
                        when: "${size(steps.list.output) > 0}"
                    forEach: "${steps.list.output}"
                    parallelism: 4
                    retry: {maxAttempts: 5, backoff: {base: 250ms, factor: 3, cap: PT30S}}
                    timeout: 2m
                    onFailure: {fallback: charge-later}
                  - id: charge-later
                    type: payments.queue
                    input: {order: "${item}"}
                    onFailure: continue
                """;
        PipelineDefinition d = PipelineDefinitions.parse(yaml, PipelineFormat.YAML);

        StepDefinition charge = d.step("charge").orElseThrow();
        assertThat(d.version()).isEqualTo(3);
        assertThat(d.inputSchema()).isEqualTo(json("{\"type\": \"object\", \"required\": [\"day\"]}"));
        assertThat(charge.after()).containsExactly(After.when("list", "${size(steps.list.output) > 0}"));
        assertThat(charge.forEach().textValue()).isEqualTo("${steps.list.output}");
        assertThat(charge.parallelism()).isEqualTo(4);
        assertThat(charge.retry()).isEqualTo(StepRetry.of(5, Duration.ofMillis(250), 3.0, Duration.ofSeconds(30)));
        assertThat(charge.timeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(charge.onFailure()).isEqualTo(OnFailure.fallback("charge-later"));
        assertThat(d.step("charge-later").orElseThrow().onFailure()).isEqualTo(OnFailure.CONTINUE);
    }

    @Test
    void theCanonicalJsonReadsBackAsAnEqualDefinition() {
        PipelineDefinition d = PipelineDefinition.builder("orders").version(2)
                .inputSchema(json("{\"type\": \"object\"}"))
                .step(StepDefinition.builder("list", "http").input(json("{\"url\": \"https://x.example\"}")).build())
                .step(StepDefinition.builder("charge", "payments.charge")
                        .after("list", "${steps.list.output != null}")
                        .forEach("${steps.list.output}").parallelism(3)
                        .retry(StepRetry.of(4, Duration.ofMillis(1500), 2.5, Duration.ofMinutes(5)))
                        .timeout(Duration.ofSeconds(90))
                        .onFailure(OnFailure.fallback("later"))
                        .build())
                .step(StepDefinition.builder("later", "payments.queue").onFailure(OnFailure.CONTINUE).build())
                .step(StepDefinition.builder("report", "builtin.noop").after("charge").build())
                .build();

        String canonical = PipelineDefinitions.toJson(d);

        assertThat(PipelineDefinitions.parse(canonical, PipelineFormat.JSON)).isEqualTo(d);
        assertThat(PipelineDefinitions.toJson(PipelineDefinitions.parse(canonical, PipelineFormat.JSON))).isEqualTo(canonical);
        assertThat(canonical).startsWith("{\"id\":\"orders\",\"version\":2,\"inputSchema\"")
                .contains("\"after\":[{\"step\":\"list\",\"when\":\"${steps.list.output != null}\"}]")
                .contains("\"after\":[\"charge\"]")
                .contains("\"timeout\":\"90s\"")
                .contains("\"backoff\":{\"base\":\"1500ms\",\"factor\":2.5,\"cap\":\"5m\"}")
                .contains("\"onFailure\":\"continue\"");
    }

    @Test
    void theCanonicalFormLeavesDefaultsOut() {
        String canonical = PipelineDefinitions.toJson(PipelineDefinitions.parse(ETL, PipelineFormat.JSON));

        assertThat(canonical).isEqualTo("{\"id\":\"etl\",\"steps\":[{\"id\":\"extract\",\"type\":\"builtin.echo\","
                + "\"input\":{\"rows\":[1,2,3],\"source\":\"${input.source}\"}},"
                + "{\"id\":\"load\",\"type\":\"builtin.noop\",\"after\":[\"extract\"]}]}");
    }

    @Test
    void unknownFieldsAreErrorsNamingThePathAndTheAllowedFields() {
        String text = """
                {"id": "etl", "owner": "ops", "steps": [
                  {"id": "a", "type": "x", "retires": 3, "after": [{"step": "b", "if": "${true}"}],
                   "retry": {"maxAttempts": 2, "backoff": {"base": "1s", "jitter": true}}},
                  {"id": "b", "type": "x", "onFailure": {"fallback": "a", "after": 1}}
                ]}""";

        List<Problem> problems = PipelineDefinitions.check(text, PipelineFormat.JSON, StepTypes.any());

        assertThat(problems).extracting(Problem::field).contains("owner", "steps[0].retires", "steps[0].after[0].if",
                "steps[0].retry.backoff.jitter", "steps[1].onFailure.after");
        assertThat(problems).filteredOn(p -> p.field().equals("steps[0].retires")).singleElement()
                .satisfies(p -> assertThat(p.message()).isEqualTo("unknown field 'retires'; allowed: after, forEach, id,"
                        + " input, onFailure, parallelism, retry, timeout, type"))
                .satisfies(p -> assertThat(p.stepId()).isEqualTo("a"));
        assertThat(problems).filteredOn(p -> p.field().equals("owner")).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("allowed: id, inputSchema, steps, version"));
    }

    @Test
    void everyProblemOfShapeIsReportedAtOnce() {
        String text = """
                {"id": "Bad id!", "version": 0, "steps": [
                  {"id": "a", "type": 7, "after": "b", "parallelism": 2, "timeout": "soon"},
                  {"id": "b", "type": "x", "forEach": 3, "retry": {"maxAttempts": 0}, "onFailure": "retry"},
                  {"type": "x"}
                ]}""";

        ValidationException e = org.junit.jupiter.api.Assertions.assertThrows(ValidationException.class,
                () -> PipelineDefinitions.parse(text, PipelineFormat.JSON));

        assertThat(e.problems()).extracting(FieldProblem::field).containsExactlyInAnyOrder("id", "version",
                "steps[0].type", "steps[0].after", "steps[0].parallelism", "steps[0].timeout", "steps[1].forEach",
                "steps[1].retry", "steps[1].onFailure", "steps[2].id");
        assertThat(e.problems()).filteredOn(p -> p.field().equals("steps[0].timeout")).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("'soon'").contains("250ms"));
        assertThat(e.problems()).filteredOn(p -> p.field().equals("steps[1].retry")).singleElement()
                .satisfies(p -> assertThat(p.message()).isEqualTo("step 'b': retry.maxAttempts must be from 1 to 1000 but was 0"));
        assertThat(e.problems()).filteredOn(p -> p.field().equals("steps[1].onFailure")).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("fail, continue or {fallback: STEP}").contains("'retry'"));
    }

    @Test
    void aSyntaxErrorNamesTheLineAndColumn() {
        List<Problem> problems = PipelineDefinitions.check("{\"id\": \"etl\",\n \"steps\": [}", PipelineFormat.JSON, StepTypes.any());

        assertThat(problems).singleElement().satisfies(p -> assertThat(p.message()).startsWith("not valid JSON at line 2"));
    }

    @Test
    void aFieldGivenTwiceIsAnError() {
        assertThat(PipelineDefinitions.check("id: a\nid: b\nsteps: []\n", PipelineFormat.YAML, StepTypes.any()))
                .singleElement().satisfies(p -> assertThat(p.message()).contains("Duplicate field 'id'"));
    }

    @Test
    void buildersRefuseBadValuesNamingTheParameterAndTheValue() {
        assertThatThrownBy(() -> StepDefinition.builder("a b", "x")).hasMessage(
                "id must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit, but was 'a b'");
        assertThatThrownBy(() -> StepDefinition.builder("a", "x").parallelism(0))
                .hasMessage("parallelism must be from 1 to 1000 but was 0");
        assertThatThrownBy(() -> StepDefinition.builder("a", "x").parallelism(2).build())
                .hasMessageContaining("parallelism applies to a fan-out step");
        assertThatThrownBy(() -> StepDefinition.builder("a", "x").timeout(Duration.ZERO))
                .hasMessage("timeout must be more than 0s and at most 7d but was 0s");
        assertThatThrownBy(() -> StepRetry.of(3, Duration.ofSeconds(10), 2, Duration.ofSeconds(5)))
                .hasMessage("retry.backoff.cap must be from base (10s) to 1d but was 5s");
        assertThatThrownBy(() -> StepRetry.of(3, Duration.ofSeconds(1), 0.5, Duration.ofSeconds(5)))
                .hasMessage("retry.backoff.factor must be from 1 to 1000 but was 0.5");
        assertThatThrownBy(() -> PipelineDefinition.builder("p").version(0)).hasMessage("version must be >= 1 but was 0");
        assertThatThrownBy(() -> StepDefinition.builder("a", "x").onFailure(OnFailure.fallback("a")).build())
                .hasMessageContaining("must name another step");
    }

    @Test
    void aRetryWithoutBackoffTakesTheDefaultBackoff() {
        PipelineDefinition d = PipelineDefinitions.parse(
                "{\"id\": \"p\", \"steps\": [{\"id\": \"a\", \"type\": \"x\", \"retry\": {\"maxAttempts\": 7}}]}",
                PipelineFormat.JSON);

        assertThat(d.steps().getFirst().retry()).isEqualTo(StepRetry.attempts(7));
    }
}
