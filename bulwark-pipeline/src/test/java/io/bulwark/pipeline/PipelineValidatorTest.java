package io.bulwark.pipeline;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** One test per class of problem; each document is otherwise valid, so the list holds just that problem. */
class PipelineValidatorTest {

    static final StepTypes TYPES = StepTypes.builtinsAnd(Set.of("x", "builtin.echo"));

    static List<Problem> check(String json) {
        return PipelineDefinitions.check(json, PipelineFormat.JSON, TYPES);
    }

    static String pipeline(String steps) {
        return "{\"id\": \"p\", \"steps\": [" + steps + "]}";
    }

    @Test
    void aValidPipelineHasNoProblems() {
        assertThat(check(PipelineDefinitionsTest.ETL.replace("builtin.noop", "x"))).isEmpty();
        assertThat(check(pipeline("""
                {"id": "list", "type": "http", "input": {"url": "https://x.example/${input.day}"}},
                {"id": "each", "type": "x", "after": ["list"], "forEach": "${steps.list.output.items}",
                 "input": {"n": "${index}", "v": "${item.v}", "all": "${input}"}, "onFailure": {"fallback": "alt"}},
                {"id": "alt", "type": "x", "input": {"again": "${item}", "list": "${steps.list.output}"}},
                {"id": "wait", "type": "wait", "after": [{"step": "each", "when": "${size(steps.each.output) > 1}"}],
                 "input": {"duration": "30s"}}
                """))).isEmpty();
    }

    @Test
    void noStepsIsAProblem() {
        assertThat(check(pipeline(""))).singleElement()
                .isEqualTo(new Problem(null, "steps", "a pipeline needs at least one step"));
    }

    @Test
    void aPipelineHasAtMostAThousandStepsAndAMessageListsTwentyIds() {
        String chain = java.util.stream.IntStream.range(0, PipelineDefinition.MAX_STEPS)
                .mapToObj(i -> "{\"id\": \"s" + i + "\", \"type\": \"x\"" + (i == 0 ? "" : ", \"after\": [\"s" + (i - 1) + "\"]")
                        + ", \"input\": {\"v\": \"${steps.s0.output}\"}}")
                .collect(java.util.stream.Collectors.joining(", "));
        // The longest chain allowed is valid (the first step's template reads nothing upstream: it has none).
        assertThat(check(pipeline(chain.replaceFirst("\\$\\{steps.s0.output}", "v")))).isEmpty();
        assertThat(check(pipeline(chain + ", {\"id\": \"one-more\", \"type\": \"x\"}"))).singleElement()
                .isEqualTo(new Problem(null, "steps", "a pipeline has at most 1000 steps but this one has 1001; fan a step"
                        + " out (forEach) to run it over many items"));
        String waitsForAll = "{\"id\": \"w\", \"type\": \"x\", \"after\": [" + java.util.stream.IntStream.range(0, 1001)
                .mapToObj(i -> "\"s" + i + "\"").collect(java.util.stream.Collectors.joining(", ")) + "]}";
        assertThat(check(pipeline(waitsForAll))).singleElement()
                .isEqualTo(new Problem("w", "steps[0].after", "a step waits for at most 1000 steps but this one names 1001"));

        String missing = java.util.stream.IntStream.range(0, 30)
                .mapToObj(i -> "{\"id\": \"s" + i + "\", \"type\": \"x\", \"after\": [\"gone\"]}")
                .collect(java.util.stream.Collectors.joining(", "));
        assertThat(check(pipeline(missing)).getFirst().message()).isEqualTo("waits for step 'gone', which does not exist;"
                + " steps are: s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, s12, s13, s14, s15, s16, s17, s18, s19 and 10 more");
    }

    @Test
    void duplicateStepIdsAreNamed() {
        assertThat(check(pipeline("{\"id\": \"a\", \"type\": \"x\"}, {\"id\": \"a\", \"type\": \"x\"}")))
                .singleElement().isEqualTo(new Problem("a", "steps[1].id",
                        "duplicate step id 'a': steps[0] has it already; ids must be unique"));
    }

    @Test
    void aCycleIsNamedInRunningOrder() {
        List<Problem> problems = check(pipeline("""
                {"id": "a", "type": "x", "after": ["c"]},
                {"id": "b", "type": "x", "after": ["a"]},
                {"id": "c", "type": "x", "after": ["b"]},
                {"id": "d", "type": "x", "after": ["b"]}
                """));

        assertThat(problems).filteredOn(p -> p.message().contains("form a cycle")).singleElement()
                .satisfies(p -> assertThat(p.message()).endsWith(": a -> b -> c -> a"))
                .satisfies(p -> assertThat(p.field()).isEqualTo("steps[0].after"));
    }

    @Test
    void aStepAfterACycleIsUnreachable() {
        List<Problem> problems = check(pipeline("""
                {"id": "a", "type": "x", "after": ["b"]},
                {"id": "b", "type": "x", "after": ["a"]},
                {"id": "d", "type": "x", "after": ["b"]},
                {"id": "e", "type": "x", "after": ["d"]}
                """));

        assertThat(problems).extracting(Problem::stepId, Problem::message).contains(
                org.assertj.core.groups.Tuple.tuple("d", "can never start: it waits for 'b', which is on a cycle"),
                org.assertj.core.groups.Tuple.tuple("e", "can never start: it waits for 'd', which can never start"));
        assertThat(problems).hasSize(3); // the cycle, d and e
    }

    @Test
    void anUnknownTypeNamesTheKnownOnes() {
        assertThat(check(pipeline("{\"id\": \"a\", \"type\": \"sendmail\"}"))).singleElement()
                .satisfies(p -> assertThat(p.field()).isEqualTo("steps[0].type"))
                .satisfies(p -> assertThat(p.message()).isEqualTo("unknown step type 'sendmail'; known are the built-ins"
                        + " http, provider, pipeline, wait, approval, kubernetes-job and the job handler types builtin.echo, x"));
    }

    @Test
    void builtinTypesNeedTheirInputFields() {
        List<Problem> problems = check(pipeline("""
                {"id": "h", "type": "http"},
                {"id": "p", "type": "pipeline", "input": {"version": 2}},
                {"id": "w", "type": "wait", "input": {"duration": "soon"}},
                {"id": "w2", "type": "wait", "input": {}},
                {"id": "ap", "type": "approval", "input": {"timeout": "${input.t}"}},
                {"id": "k", "type": "kubernetes-job", "input": {"image": 5}},
                {"id": "pr", "type": "provider", "input": {"group": "llm"}}
                """));

        assertThat(problems).extracting(Problem::field, Problem::message).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("steps[0].input.url", "a step of type http needs url: the URL to call, such as"
                        + " https://example.com/x or group:llm/v1/chat"),
                org.assertj.core.groups.Tuple.tuple("steps[1].input.pipeline", "a step of type pipeline needs pipeline: the id of the pipeline to run"),
                org.assertj.core.groups.Tuple.tuple("steps[2].input.duration",
                        "expected a duration such as 250ms, 30s, 5m, 1h, 2d or ISO-8601 PT30S but was 'soon'"),
                org.assertj.core.groups.Tuple.tuple("steps[3].input", "a wait step needs exactly one of duration (such as 30s)"
                        + " or until (an ISO-8601 time)"),
                org.assertj.core.groups.Tuple.tuple("steps[5].input.image", "must be a string (the container image to run) but was 5"));
    }

    @Test
    void afterNamingAMissingStepIsDangling() {
        assertThat(check(pipeline("{\"id\": \"a\", \"type\": \"x\"}, {\"id\": \"b\", \"type\": \"x\", \"after\": [\"a\", \"zz\"]}")))
                .extracting(Problem::field, Problem::message).containsExactly(
                        org.assertj.core.groups.Tuple.tuple("steps[1].after[1]", "waits for step 'zz', which does not exist; steps are: a, b"),
                        org.assertj.core.groups.Tuple.tuple("steps[1]", "can never start: it waits for 'zz', which does not exist"));
    }

    @Test
    void aStepWaitingForItselfOrTwiceForOneStepIsAProblem() {
        List<Problem> problems = check(pipeline("""
                {"id": "a", "type": "x"},
                {"id": "b", "type": "x", "after": ["a", "a"]},
                {"id": "c", "type": "x", "after": ["c"]}
                """));

        assertThat(problems).extracting(Problem::field, Problem::message).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("steps[1].after[1]", "waits for 'a' twice; name each step once"),
                org.assertj.core.groups.Tuple.tuple("steps[2].after[0]", "a step cannot wait for itself"),
                org.assertj.core.groups.Tuple.tuple("steps[2]", "can never start: it waits for itself"));
    }

    @Test
    void aFallbackNamingAMissingStepIsDangling() {
        assertThat(check(pipeline("{\"id\": \"a\", \"type\": \"x\", \"onFailure\": {\"fallback\": \"nope\"}}")))
                .singleElement().isEqualTo(new Problem("a", "steps[0].onFailure.fallback",
                        "names step 'nope', which does not exist; steps are: a"));
    }

    @Test
    void fallbackStepsRunOnlyInPlaceOfTheirStep() {
        List<Problem> problems = check(pipeline("""
                {"id": "a", "type": "x", "onFailure": {"fallback": "f"}},
                {"id": "b", "type": "x", "onFailure": {"fallback": "f"}},
                {"id": "f", "type": "x", "after": ["b"], "forEach": [1, 2]},
                {"id": "c", "type": "x", "after": ["f"]}
                """));

        assertThat(problems).extracting(Problem::field).containsExactlyInAnyOrder("steps[1].onFailure.fallback",
                "steps[2].after", "steps[2].forEach", "steps[3].after[0]", "steps[3]");
        assertThat(problems).filteredOn(p -> p.field().equals("steps[3].after[0]")).singleElement()
                .satisfies(p -> assertThat(p.message()).isEqualTo("waits for 'f', which runs only as the fallback of 'a';"
                        + " wait for 'a' instead, whose output the fallback's stands for"));
    }

    @Test
    void aLoopOfFallbacksIsAProblem() {
        List<Problem> problems = check(pipeline("""
                {"id": "a", "type": "x", "onFailure": {"fallback": "b"}},
                {"id": "b", "type": "x", "onFailure": {"fallback": "a"}}
                """));

        assertThat(problems).extracting(Problem::message).contains("the fallbacks of 'a' form a loop; a chain of fallbacks must end");
    }

    @Test
    void aTemplateThatDoesNotParseNamesTheStepTheFieldAndTheText() {
        List<Problem> problems = check(pipeline("""
                {"id": "a", "type": "x", "input": {"q": {"deep": ["ok", "${input.a +}"]}}},
                {"id": "b", "type": "x", "after": [{"step": "a", "when": "${1} and ${2}"}]}
                """));

        assertThat(problems).extracting(Problem::stepId, Problem::field).containsExactly(
                org.assertj.core.groups.Tuple.tuple("a", "steps[0].input.q.deep[1]"),
                org.assertj.core.groups.Tuple.tuple("b", "steps[1].after[0].when"));
        assertThat(problems.get(0).message()).startsWith("'${input.a +}' is not a valid template: syntax error");
        assertThat(problems.get(1).message()).startsWith("'${1} and ${2}' must be one ${...} expression yielding true or false");
    }

    @Test
    void templatesMayNotCallMethodsOrCreateObjects() {
        List<Problem> problems = check(pipeline("""
                {"id": "a", "type": "x", "input": {"m": "${input.name.toUpperCase()}", "n": "${new('java.io.File', '/')}",
                 "s": "${x = 1}"}}
                """));

        assertThat(problems).extracting(Problem::field).containsExactlyInAnyOrder("steps[0].input.m", "steps[0].input.n",
                "steps[0].input.s");
    }

    @Test
    void aTemplateReadingAStepThatIsMissingOrNotUpstreamIsDangling() {
        List<Problem> problems = check(pipeline("""
                {"id": "a", "type": "x"},
                {"id": "b", "type": "x", "input": {"v": "${steps.a.output}"}},
                {"id": "c", "type": "x", "after": ["b"], "input": {"v": "${steps.a.output}", "w": "${steps['zz'].output}",
                 "o": "${steps.b.result}", "d": "${steps[input.k].output}", "u": "${user.name}", "i": "${item}"}}
                """));

        assertThat(problems).extracting(Problem::field, Problem::message).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("steps[1].input.v", "'${steps.a.output}' reads steps.a, which is not"
                        + " upstream of 'b'; only the outputs of steps it waits for (through after, directly or not) can"
                        + " be read and it waits for none"),
                org.assertj.core.groups.Tuple.tuple("steps[2].input.v", "'${steps.a.output}' reads steps.a, which is not"
                        + " upstream of 'c'; only the outputs of steps it waits for (through after, directly or not) can"
                        + " be read: b"),
                org.assertj.core.groups.Tuple.tuple("steps[2].input.w", "'${steps['zz'].output}' reads steps.zz, but there is"
                        + " no step 'zz'; steps are: a, b, c"),
                org.assertj.core.groups.Tuple.tuple("steps[2].input.o", "'${steps.b.result}' reads steps.b.result; a step"
                        + " offers only output: write steps.b.output"),
                org.assertj.core.groups.Tuple.tuple("steps[2].input.d", "'${steps[input.k].output}' reads steps without"
                        + " naming a step; write steps.<id>.output or steps['<id>'].output with the id written out"),
                org.assertj.core.groups.Tuple.tuple("steps[2].input.u", "'${user.name}' reads 'user', which is not defined;"
                        + " a template may read input, steps.<id>.output, and item and index in a fan-out step's input"),
                org.assertj.core.groups.Tuple.tuple("steps[2].input.i", "'${item}' reads 'item', which is defined only in"
                        + " the input of a fan-out step (one with forEach) and of its fallback"));
    }

    @Test
    void aTemplateMayReadStepsUpstreamThroughOtherSteps() {
        assertThat(check(pipeline("""
                {"id": "a", "type": "x"},
                {"id": "b", "type": "x", "after": ["a"]},
                {"id": "c", "type": "x", "after": ["b"], "input": {"v": "${steps.a.output}"}}
                """))).isEmpty();
    }

    @Test
    void anInvalidInputSchemaIsAProblem() {
        List<Problem> problems = check("""
                {"id": "p", "inputSchema": {"type": "objekt", "properties": {"n": {"minimum": "one"}}},
                 "steps": [{"id": "a", "type": "x"}]}""");

        assertThat(problems).extracting(Problem::field).contains("inputSchema.type", "inputSchema.properties.n.minimum");
        assertThat(problems).allSatisfy(p -> assertThat(p.stepId()).isNull());
    }

    @Test
    void badRetryTimeoutAndParallelismValuesAreProblems() {
        List<Problem> problems = check(pipeline("""
                {"id": "a", "type": "x", "forEach": [1], "parallelism": 5000, "timeout": "0s",
                 "retry": {"maxAttempts": 3, "backoff": {"base": "1m", "factor": 2, "cap": "10s"}}}
                """));

        assertThat(problems).extracting(Problem::field, Problem::message).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("steps[0].parallelism", "must be from 1 to 1000 but was 5000"),
                org.assertj.core.groups.Tuple.tuple("steps[0].timeout", "must be more than 0s and at most 7d but was 0s"),
                org.assertj.core.groups.Tuple.tuple("steps[0].retry", "retry.backoff.cap must be from base (1m) to 1d but was 10s"));
    }

    @Test
    void problemsOfEveryKindComeInOneList() {
        List<Problem> problems = check(pipeline("""
                {"id": "a", "type": "nope", "retry": {"maxAttempts": -1}},
                {"id": "a", "type": "x", "after": ["ghost"], "input": {"v": "${steps.ghost.output"}}
                """));

        assertThat(problems).extracting(Problem::field).contains("steps[0].retry", "steps[1].id", "steps[0].type",
                "steps[1].after[0]", "steps[1].input.v");
    }
}
