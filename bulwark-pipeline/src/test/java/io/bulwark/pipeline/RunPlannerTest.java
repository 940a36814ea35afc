package io.bulwark.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.core.validation.ValidationException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.bulwark.pipeline.PipelineDefinitionsTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RunPlannerTest {

    static RunPlanner planner(String steps) {
        return RunPlanner.of(PipelineDefinitions.parse("{\"id\": \"p\", \"steps\": [" + steps + "]}", PipelineFormat.JSON));
    }

    static List<StepInstance> started(Plan plan) {
        return plan.start().stream().map(StepStart::instance).toList();
    }

    static RunState record(RunState state, Plan plan) {
        for (StepStart s : plan.start()) {
            state = state.with(s.instance(), StepState.running());
        }
        for (StepSkip s : plan.skip()) {
            state = state.with(s.instance(), StepState.skipped(s.reason()));
        }
        for (StepFail f : plan.fail()) {
            state = state.with(f.instance(), StepState.failed(f.error()));
        }
        return state;
    }

    static final JsonNode INPUT = json("{\"source\": \"db\", \"ids\": [10, 20, 30]}");

    @Test
    void stepsStartInOrderWithTheirInputEvaluated() {
        RunPlanner p = planner("""
                {"id": "extract", "type": "x", "input": {"from": "${input.source}"}},
                {"id": "load", "type": "x", "after": ["extract"], "input": {"rows": "${steps.extract.output.rows}"}}
                """);

        Plan first = p.plan(INPUT, RunState.empty());
        assertThat(first.start()).singleElement().satisfies(s -> {
            assertThat(s.instance()).isEqualTo(StepInstance.of("extract"));
            assertThat(s.input()).isEqualTo(json("{\"from\": \"db\"}"));
            assertThat(s.standsFor()).isNull();
        });
        assertThat(first.status()).isEqualTo(RunStatus.RUNNING);

        RunState running = record(RunState.empty(), first);
        assertThat(p.plan(INPUT, running).isIdle()).isTrue();

        RunState extracted = running.with(StepInstance.of("extract"), StepState.completed(json("{\"rows\": [1, 2]}")));
        Plan second = p.plan(INPUT, extracted);
        assertThat(second.start()).singleElement().satisfies(s -> assertThat(s.input()).isEqualTo(json("{\"rows\": [1, 2]}")));

        RunState done = extracted.with(StepInstance.of("load"), StepState.completed(null));
        Plan last = p.plan(INPUT, done);
        assertThat(last.isIdle()).isTrue();
        assertThat(last.status()).isEqualTo(RunStatus.COMPLETED);
    }

    @Test
    void replanningTheSameStateGivesTheSamePlanAndNeverRestartsACompletedStep() {
        RunPlanner p = planner("""
                {"id": "a", "type": "x"}, {"id": "b", "type": "x"}, {"id": "c", "type": "x", "after": ["a", "b"]}
                """);
        RunState state = RunState.empty().with(StepInstance.of("a"), StepState.completed(json("1")))
                .with(StepInstance.of("b"), StepState.pending());

        Plan plan = p.plan(INPUT, state);

        assertThat(p.plan(INPUT, state)).isEqualTo(plan);
        assertThat(started(plan)).containsExactly(StepInstance.of("b"));
    }

    @Test
    void aFalseConditionSkipsTheStepAndEverythingAfterIt() {
        RunPlanner p = planner("""
                {"id": "check", "type": "x"},
                {"id": "notify", "type": "x", "after": [{"step": "check", "when": "${steps.check.output.changed}"}]},
                {"id": "audit", "type": "x", "after": ["notify"]},
                {"id": "other", "type": "x", "after": ["check"]}
                """);
        RunState state = RunState.empty().with(StepInstance.of("check"), StepState.completed(json("{\"changed\": false}")));

        Plan plan = p.plan(INPUT, state);

        assertThat(plan.skip()).extracting(StepSkip::instance, StepSkip::reason).containsExactly(
                org.assertj.core.groups.Tuple.tuple(StepInstance.of("notify"),
                        "the condition on 'check' was false: ${steps.check.output.changed}"),
                org.assertj.core.groups.Tuple.tuple(StepInstance.of("audit"), "'notify', which it waits for, was skipped"));
        assertThat(started(plan)).containsExactly(StepInstance.of("other"));

        RunState after = record(state, plan).with(StepInstance.of("other"), StepState.completed(null));
        assertThat(p.plan(INPUT, after).status()).isEqualTo(RunStatus.COMPLETED);
    }

    @Test
    void aFanOutStartsAtMostParallelismBranchesAndFansInInIndexOrder() {
        RunPlanner p = planner("""
                {"id": "each", "type": "x", "forEach": "${input.ids}", "parallelism": 2, "input": {"id": "${item}", "n": "${index}"}},
                {"id": "sum", "type": "x", "after": ["each"], "input": {"all": "${steps.each.output}"}}
                """);

        Plan first = p.plan(INPUT, RunState.empty());
        assertThat(first.fanOuts()).containsExactly(new FanOut("each", 3));
        assertThat(first.start()).extracting(StepStart::instance, StepStart::input).containsExactly(
                org.assertj.core.groups.Tuple.tuple(StepInstance.branch("each", 0), json("{\"id\": 10, \"n\": 0}")),
                org.assertj.core.groups.Tuple.tuple(StepInstance.branch("each", 1), json("{\"id\": 20, \"n\": 1}")));

        RunState state = record(RunState.empty(), first).with(StepInstance.branch("each", 1), StepState.completed(json("\"b\"")));
        assertThat(started(p.plan(INPUT, state))).containsExactly(StepInstance.branch("each", 2));

        state = record(state, p.plan(INPUT, state))
                .with(StepInstance.branch("each", 2), StepState.completed(json("\"c\"")))
                .with(StepInstance.branch("each", 0), StepState.completed(json("\"a\"")));
        Plan fanIn = p.plan(INPUT, state);
        assertThat(fanIn.start()).singleElement().satisfies(s -> assertThat(s.input())
                .isEqualTo(json("{\"all\": [\"a\", \"b\", \"c\"]}")));
    }

    @Test
    void aFanOutOverNothingCompletesWithAnEmptyList() {
        RunPlanner p = planner("""
                {"id": "each", "type": "x", "forEach": []},
                {"id": "sum", "type": "x", "after": ["each"], "input": {"all": "${steps.each.output}"}}
                """);

        Plan plan = p.plan(INPUT, RunState.empty());

        assertThat(plan.fanOuts()).containsExactly(new FanOut("each", 0));
        assertThat(plan.start()).singleElement().satisfies(s -> assertThat(s.input()).isEqualTo(json("{\"all\": []}")));
    }

    @Test
    void aFailedStepWithFailFailsTheRunStartsNothingAndSkipsTheRest() {
        RunPlanner p = planner("""
                {"id": "a", "type": "x"}, {"id": "slow", "type": "x"}, {"id": "b", "type": "x", "after": ["a"]}
                """);
        RunState state = RunState.empty().with(StepInstance.of("a"), StepState.failed("boom"))
                .with(StepInstance.of("slow"), StepState.running());

        Plan failing = p.plan(INPUT, state);
        assertThat(failing.status()).isEqualTo(RunStatus.FAILING);
        assertThat(failing.start()).isEmpty();
        assertThat(failing.skip()).extracting(StepSkip::instance, StepSkip::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(StepInstance.of("b"), "not run: the run failed at 'a'"));
        assertThat(failing.failedStep()).isEqualTo(StepInstance.of("a"));
        assertThat(failing.error()).isEqualTo("boom");

        RunState ended = record(state, failing).with(StepInstance.of("slow"), StepState.completed(null));
        Plan over = p.plan(INPUT, ended);
        assertThat(over.status()).isEqualTo(RunStatus.FAILED);
        assertThat(over.isIdle()).isTrue();
    }

    @Test
    void aFailedStepWithContinueCountsAsDoneWithANullOutput() {
        RunPlanner p = planner("""
                {"id": "a", "type": "x", "onFailure": "continue"},
                {"id": "b", "type": "x", "after": ["a"], "input": {"got": "${steps.a.output}"}}
                """);

        Plan plan = p.plan(INPUT, RunState.empty().with(StepInstance.of("a"), StepState.failed("boom")));

        assertThat(plan.start()).singleElement().satisfies(s -> assertThat(s.input()).isEqualTo(json("{\"got\": null}")));
    }

    @Test
    void aFallbackRunsInPlaceOfTheFailedStepAndItsOutputStandsForIt() {
        RunPlanner p = planner("""
                {"id": "src", "type": "x"},
                {"id": "fetch", "type": "x", "after": ["src"], "onFailure": {"fallback": "cached"}},
                {"id": "cached", "type": "x", "input": {"key": "${steps.src.output}"}},
                {"id": "use", "type": "x", "after": ["fetch"], "input": {"v": "${steps.fetch.output}"}}
                """);
        RunState state = RunState.empty().with(StepInstance.of("src"), StepState.completed(json("\"k1\"")))
                .with(StepInstance.of("fetch"), StepState.failed("timeout"));

        Plan plan = p.plan(INPUT, state);
        assertThat(plan.start()).singleElement().satisfies(s -> {
            assertThat(s.instance()).isEqualTo(StepInstance.of("cached"));
            assertThat(s.input()).isEqualTo(json("{\"key\": \"k1\"}"));
            assertThat(s.standsFor()).isEqualTo(StepInstance.of("fetch"));
        });

        state = record(state, plan).with(StepInstance.of("cached"), StepState.completed(json("\"old value\"")));
        assertThat(p.plan(INPUT, state).start()).singleElement()
                .satisfies(s -> assertThat(s.input()).isEqualTo(json("{\"v\": \"old value\"}")));
    }

    @Test
    void aFailedBranchOfAFanOutIsReplacedByItsFallbackWithTheSameItem() {
        RunPlanner p = planner("""
                {"id": "each", "type": "x", "forEach": "${input.ids}", "onFailure": {"fallback": "alt"}},
                {"id": "alt", "type": "x", "input": {"retrying": "${item}", "at": "${index}"}},
                {"id": "sum", "type": "x", "after": ["each"], "input": {"all": "${steps.each.output}"}}
                """);
        RunState state = RunState.empty()
                .with(StepInstance.branch("each", 0), StepState.completed(json("0")))
                .with(StepInstance.branch("each", 1), StepState.failed("boom"))
                .with(StepInstance.branch("each", 2), StepState.completed(json("2")));

        Plan plan = p.plan(INPUT, state);
        assertThat(plan.start()).singleElement().satisfies(s -> {
            assertThat(s.instance()).isEqualTo(StepInstance.branch("alt", 1));
            assertThat(s.input()).isEqualTo(json("{\"retrying\": 20, \"at\": 1}"));
        });

        state = record(state, plan).with(StepInstance.branch("alt", 1), StepState.completed(json("\"one\"")));
        assertThat(p.plan(INPUT, state).start()).singleElement()
                .satisfies(s -> assertThat(s.input()).isEqualTo(json("{\"all\": [0, \"one\", 2]}")));
    }

    @Test
    void aTemplateThatFailsAtRunTimeFailsTheStepWithAClearError() {
        RunPlanner p = planner("""
                {"id": "a", "type": "x", "input": {"customer": "${input.order.customer}"}, "onFailure": "continue"},
                {"id": "each", "type": "x", "forEach": "${input.source}"}
                """);

        Plan plan = p.plan(INPUT, RunState.empty());

        assertThat(plan.fail()).extracting(StepFail::instance, StepFail::error).containsExactly(
                org.assertj.core.groups.Tuple.tuple(StepInstance.of("a"),
                        "steps[0].input.customer: '${input.order.customer}': 'order' is undefined or null"),
                org.assertj.core.groups.Tuple.tuple(StepInstance.of("each"),
                        "steps[1].forEach: '${input.source}': must yield a list but yielded \"db\""));
        RunState state = record(RunState.empty(), plan);
        Plan next = p.plan(INPUT, state);
        assertThat(next.status()).isEqualTo(RunStatus.FAILED);
        assertThat(next.failedStep()).isEqualTo(StepInstance.of("each"));
    }

    @Test
    void anInvalidDefinitionIsRefused() {
        assertThatThrownBy(() -> planner("{\"id\": \"a\", \"type\": \"x\", \"after\": [\"a\"]}"))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("steps[0].after[0]: step 'a': a step cannot wait for itself");
    }
}
