package io.bulwark.pipeline;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random DAGs (ordinary and fan-out steps, conditions, continue, fail and fallback), driven to
 * the end with random outcomes: the planner's invariants hold at every step of the way.
 */
class RunPlannerPropertiesTest {

    private static final int MAX_ROUNDS = 10_000;

    /** A random definition: step sI may wait for any sJ with J < I, so the graph is acyclic. */
    static PipelineDefinition randomDag(Random r, int size) {
        PipelineDefinition.Builder b = PipelineDefinition.builder("random");
        for (int i = 0; i < size; i++) {
            String id = "s" + i;
            StepDefinition.Builder s = StepDefinition.builder(id, "x");
            ObjectNode input = JsonNodeFactory.instance.objectNode();
            for (int j = 0; j < i; j++) {
                if (r.nextInt(3) == 0) {
                    if (r.nextInt(4) == 0) {
                        s.after("s" + j, "${steps.s" + j + ".output != 0}");
                    } else {
                        s.after("s" + j);
                    }
                    input.put("from" + j, "${steps.s" + j + ".output}");
                }
            }
            if (r.nextInt(3) == 0) {
                var items = JsonNodeFactory.instance.arrayNode();
                for (int k = r.nextInt(4); k > 0; k--) {
                    items.add(k);
                }
                s.forEach(items).parallelism(1 + r.nextInt(2));
                input.put("item", "${item}");
            }
            s.input(input);
            switch (r.nextInt(3)) {
                case 0 -> s.onFailure(OnFailure.CONTINUE);
                case 1 -> {
                    s.onFailure(OnFailure.fallback("f" + i));
                    b.step(StepDefinition.builder("f" + i, "x").onFailure(r.nextBoolean() ? OnFailure.CONTINUE : OnFailure.FAIL).build());
                }
                default -> s.onFailure(OnFailure.FAIL);
            }
            b.step(s.build());
        }
        return b.build();
    }

    @Property(tries = 300)
    void drivenWithRandomOutcomesEveryRunEndsWithEveryStepSettledAndTheInvariantsHold(
            @ForAll @IntRange(min = 1, max = 9) int size, @ForAll long seed) {
        Random r = new Random(seed);
        PipelineDefinition d = randomDag(r, size);
        RunPlanner planner = RunPlanner.of(d);
        RunState state = RunState.empty();
        Plan plan = null;
        for (int round = 0; round < MAX_ROUNDS; round++) {
            plan = planner.plan(null, state);
            assertThat(planner.plan(null, state)).as("the same state plans the same").isEqualTo(plan);
            for (StepStart s : plan.start()) {
                StepState before = state.get(s.instance());
                assertThat(before == null || before.status() == StepStatus.PENDING)
                        .as("%s is started only once", s.instance()).isTrue();
                String waitsFrom = s.standsFor() == null ? s.instance().stepId() : s.standsFor().stepId();
                for (String up : d.step(waitsFrom).orElseThrow().upstream()) {
                    assertThat(done(d, state, up)).as("%s starts only after %s is done", s.instance(), up).isTrue();
                }
            }
            state = RunPlannerTest.record(state, plan);
            assertParallelismHolds(d, state);
            if (plan.status().isOver() && plan.isIdle()) {
                break;
            }
            List<StepInstance> running = state.instances().entrySet().stream()
                    .filter(e -> e.getValue().status() == StepStatus.RUNNING).map(Map.Entry::getKey).toList();
            if (!running.isEmpty()) {
                StepInstance finishing = running.get(r.nextInt(running.size()));
                state = state.with(finishing, r.nextInt(4) == 0 ? StepState.failed("random failure")
                        : StepState.completed(IntNode.valueOf(r.nextInt(3))));
            } else {
                assertThat(plan.isIdle()).as("with nothing running, a run that is not over has something to do: %s", plan).isFalse();
            }
        }
        assertThat(plan.status().isOver()).as("the run ended within %d rounds", MAX_ROUNDS).isTrue();
        assertThat(state.instances().values()).allSatisfy(s -> assertThat(s.status().isTerminal()).isTrue());
        for (StepDefinition s : d.steps()) {
            if (s.id().startsWith("f")) {
                continue; // fallback steps run only when needed
            }
            if (plan.status() == RunStatus.COMPLETED) {
                assertThat(done(d, state, s.id()) || skipped(state, s.id())).as("%s settled", s.id()).isTrue();
            } else {
                assertThat(plan.failedStep()).isNotNull();
                assertThat(state.get(plan.failedStep()).status()).isEqualTo(StepStatus.FAILED);
                boolean recorded = state.instances().keySet().stream().anyMatch(k -> k.stepId().equals(s.id()));
                assertThat(recorded || s.fansOut()).as("%s was recorded or skipped", s.id()).isTrue();
            }
        }
    }

    static boolean skipped(RunState state, String id) {
        StepState st = state.get(StepInstance.of(id));
        return st != null && st.status() == StepStatus.SKIPPED;
    }

    /** The test's own reading of "done": completed, or failed with continue, or replaced by a fallback that is done. */
    static boolean done(PipelineDefinition d, RunState state, String id) {
        StepDefinition s = d.step(id).orElseThrow();
        if (!s.fansOut()) {
            return instanceDone(d, state, StepInstance.of(id));
        }
        for (int i = 0; i < s.forEach().size(); i++) {
            if (!instanceDone(d, state, StepInstance.branch(id, i))) {
                return false;
            }
        }
        return true;
    }

    static boolean instanceDone(PipelineDefinition d, RunState state, StepInstance at) {
        StepState st = state.get(at);
        if (st == null) {
            return false;
        }
        return switch (st.status()) {
            case COMPLETED -> true;
            case FAILED -> switch (d.step(at.stepId()).orElseThrow().onFailure().action()) {
                case CONTINUE -> true;
                case FAIL -> false;
                case FALLBACK -> instanceDone(d, state, new StepInstance(d.step(at.stepId()).orElseThrow().onFailure().fallback(), at.index()));
            };
            default -> false;
        };
    }

    static void assertParallelismHolds(PipelineDefinition d, RunState state) {
        Map<String, Integer> running = new HashMap<>();
        state.instances().forEach((k, v) -> {
            if (k.index() != null && v.status() == StepStatus.RUNNING && d.step(k.stepId()).orElseThrow().fansOut()) {
                running.merge(k.stepId(), 1, Integer::sum);
            }
        });
        running.forEach((id, n) -> assertThat(n).as("running branches of %s", id)
                .isLessThanOrEqualTo(d.step(id).orElseThrow().parallelism()));
    }

    @Property(tries = 200)
    void aRestartedPlannerPlansTheSameFromTheSameState(@ForAll @IntRange(min = 1, max = 9) int size, @ForAll long seed) {
        Random r = new Random(seed);
        PipelineDefinition d = randomDag(r, size);
        RunState state = RunState.empty();
        List<Plan> plans = new ArrayList<>();
        RunPlanner first = RunPlanner.of(d);
        for (int round = 0; round < 5; round++) {
            Plan plan = first.plan(null, state);
            plans.add(plan);
            state = RunPlannerTest.record(state, plan);
            for (StepStart s : plan.start()) {
                state = state.with(s.instance(), StepState.completed(IntNode.valueOf(r.nextInt(3))));
            }
        }
        // a new planner from the canonical JSON, as after a crash and a reload, agrees with the first one
        RunPlanner reloaded = RunPlanner.of(PipelineDefinitions.parse(PipelineDefinitions.toJson(d), PipelineFormat.JSON));
        assertThat(reloaded.plan(null, state)).isEqualTo(first.plan(null, state));
        assertThat(plans).isNotEmpty();
    }
}
