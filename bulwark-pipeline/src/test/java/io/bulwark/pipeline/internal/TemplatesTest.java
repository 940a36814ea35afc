package io.bulwark.pipeline.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.core.json.Json;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TemplatesTest {

    static JsonNode json(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    static final TemplateContext CONTEXT = TemplateContext.of(
            JsonValues.toPlain(json("{\"name\": \"Ada\", \"n\": 3, \"tags\": [\"a\", \"b\"], \"x-y\": 1}")),
            Map.of("extract", JsonValues.toPlain(json("{\"rows\": [{\"id\": 1}, {\"id\": 2}], \"count\": 2, \"ok\": true}")),
                    "my-step", JsonValues.toPlain(json("\"hi\""))));

    static JsonNode evaluate(String template, TemplateContext context) {
        List<TemplateProblem> problems = new ArrayList<>();
        CompiledTemplate t = CompiledTemplate.compile("steps[0].input", json(template), problems);
        assertThat(problems).isEmpty();
        return t.evaluate("steps[0].input", context);
    }

    @Test
    void aStringThatIsOneExpressionYieldsATypedValue() {
        JsonNode out = evaluate("""
                {"rows": "${steps.extract.output.rows}", "count": "${steps.extract.output.count}",
                 "first": "${steps.extract.output.rows[0]}", "ok": "${steps.extract.output.ok}",
                 "missing": "${input.nothing}", "half": "${input.n / 2.0}", "dashed": "${steps['my-step'].output}",
                 "keyed": "${input['x-y']}", "size": "${size(input.tags)}"}""", CONTEXT);

        assertThat(out).isEqualTo(json("""
                {"rows": [{"id": 1}, {"id": 2}], "count": 2, "first": {"id": 1}, "ok": true, "missing": null,
                 "half": 1.5, "dashed": "hi", "keyed": 1, "size": 2}"""));
    }

    @Test
    void otherStringsAreInterpolated() {
        JsonNode out = evaluate("""
                {"greeting": "Hello ${input.name}, you have ${steps.extract.output.count} rows",
                 "list": ["plain", "${input.name}${input.n}", "cost: \\\\${input.n}"]}""", CONTEXT);

        assertThat(out).isEqualTo(json("""
                {"greeting": "Hello Ada, you have 2 rows", "list": ["plain", "Ada3", "cost: ${input.n}"]}"""));
    }

    @Test
    void aFanOutBranchReadsItsItemAndIndex() {
        JsonNode out = evaluate("{\"id\": \"${item.id}\", \"at\": \"${index}\", \"label\": \"row ${index}: ${item.id}\"}",
                CONTEXT.withItem(Map.of("id", 7), 4));

        assertThat(out).isEqualTo(json("{\"id\": 7, \"at\": 4, \"label\": \"row 4: 7\"}"));
    }

    @Test
    void aMissingValueNamesTheFieldTheExpressionAndWhatWasMissing() {
        assertThatThrownBy(() -> evaluate("{\"q\": {\"v\": \"${input.customer.name}\"}}", CONTEXT))
                .isInstanceOf(TemplateException.class)
                .hasMessage("steps[0].input.q.v: '${input.customer.name}': 'customer' is undefined or null");
        assertThatThrownBy(() -> evaluate("{\"v\": \"${item}\"}", CONTEXT))
                .hasMessage("steps[0].input.v: '${item}': variable 'item' is undefined");
        assertThatThrownBy(() -> evaluate("{\"v\": \"${input.n / 0}\"}", CONTEXT))
                .hasMessageStartingWith("steps[0].input.v: '${input.n / 0}': arithmetic error");
    }

    @Test
    void templatesCannotReachJava() {
        List<TemplateProblem> problems = new ArrayList<>();
        CompiledTemplate.compile("in", json("""
                {"a": "${input.name.getClass()}", "b": "${new('java.lang.ProcessBuilder', 'ls')}",
                 "c": "${x = 1}", "d": "${for (i : input.tags) { i }}", "e": "#{input.name} ${input.name}"}"""), problems);

        assertThat(problems).extracting(TemplateProblem::field).containsExactlyInAnyOrder("in.a", "in.b", "in.c", "in.d", "in.e");
        // a property read cannot reach a Java object either: the sandbox allows maps and lists only
        assertThatThrownBy(() -> evaluate("{\"v\": \"${input.name.class}\"}", CONTEXT))
                .hasMessageContaining("'class' is undefined or null");
        assertThatThrownBy(() -> evaluate("{\"v\": \"${input.name.bytes}\"}", CONTEXT))
                .hasMessageContaining("'bytes' is undefined");
    }

    @Test
    void aConditionMustBeOneExpressionYieldingABoolean() {
        List<TemplateProblem> problems = new ArrayList<>();
        Condition ok = Condition.compile("when", "${steps.extract.output.count > 1 && input.name =~ 'A.*'}", problems);
        Condition notBoolean = Condition.compile("when", "${input.n}", problems);
        Condition.compile("when", "count > 1", problems);
        Condition.compile("when", "${a} ${b}", problems);

        assertThat(ok.test(CONTEXT)).isTrue();
        assertThatThrownBy(() -> notBoolean.test(CONTEXT)).hasMessage("when: '${input.n}': must yield true or false but yielded 3");
        assertThat(problems).hasSize(2).allSatisfy(p -> assertThat(p.message()).contains("must be one ${...} expression"));
    }

    @Test
    void aRegularExpressionThatBacktracksWithoutEndGivesUpWithAMessage() {
        // A step's output is text from outside. (.*a){6}b against 200 a's reads the text some 10^13 times
        // (about 1 s at 60 a's on JDK 25, and each 10% more text costs 1.8x).
        TemplateContext outside = TemplateContext.of(JsonValues.toPlain(json("{}")),
                Map.of("fetch", JsonValues.toPlain(json("{\"body\": \"" + "a".repeat(200) + "\"}"))));
        assertThatThrownBy(() -> evaluate("{\"v\": \"${steps.fetch.output.body =~ '(.*a){6}b'}\"}", outside))
                .hasMessageContaining("the regular expression gave up after reading 10000000 characters of a 200-character text");
        assertThatThrownBy(() -> evaluate("{\"v\": \"${steps.fetch.output.body !~ '(.*a){6}b'}\"}", outside))
                .hasMessageContaining("gave up");
        // Patterns that do not backtrack match as before, whole text against whole pattern.
        assertThat(evaluate("{\"v\": \"${steps.fetch.output.body =~ 'a+'}\"}", outside).get("v").asBoolean()).isTrue();
        assertThat(evaluate("{\"v\": \"${steps.fetch.output.body =~ 'a+b'}\"}", outside).get("v").asBoolean()).isFalse();
        assertThat(evaluate("{\"v\": \"${steps.fetch.output.body !~ 'b.*'}\"}", outside).get("v").asBoolean()).isTrue();
    }

    @Test
    void referencesListTheStepsATemplateReads() {
        List<TemplateProblem> problems = new ArrayList<>();
        CompiledTemplate t = CompiledTemplate.compile("in", json(
                "{\"a\": \"${steps.extract.output.rows[0]}\", \"b\": [\"x ${steps['my-step'].output} ${input.n}\"]}"), problems);

        assertThat(t.references()).extracting(Reference::field, Reference::path).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("in.a", List.of("steps", "extract", "output", "rows", "0")),
                org.assertj.core.groups.Tuple.tuple("in.b[0]", List.of("steps", "my-step", "output")),
                org.assertj.core.groups.Tuple.tuple("in.b[0]", List.of("input", "n")));
    }
}
