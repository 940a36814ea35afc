package io.bulwark.pipeline.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bulwark.pipeline.FanOut;
import io.bulwark.pipeline.OnFailure;
import io.bulwark.pipeline.Plan;
import io.bulwark.pipeline.RunState;
import io.bulwark.pipeline.RunStatus;
import io.bulwark.pipeline.StepDefinition;
import io.bulwark.pipeline.StepFail;
import io.bulwark.pipeline.StepInstance;
import io.bulwark.pipeline.StepSkip;
import io.bulwark.pipeline.StepStart;
import io.bulwark.pipeline.StepState;
import io.bulwark.pipeline.StepStatus;
import io.bulwark.pipeline.internal.Resolution.Done;
import io.bulwark.pipeline.internal.Resolution.Failed;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One planning pass over a run's state.
 *
 * <p>Design notes. The pass visits the steps that are not fallbacks in run order (each after its
 * upstream steps) and resolves each to not started, in progress, done (with an output), skipped
 * or failed, reading nothing but the state, the run's input and the compiled definition; so the
 * same state always yields the same plan, and an instance recorded as started or finished is
 * never started again. Skips decided in the pass count at once for the steps after them, so a
 * chain of skips is decided in one plan. Once any step has failed with {@code fail}, the pass
 * drops its starts and fails and instead skips every step with nothing recorded.
 */
public final class PlanPass {

    /** The most branches one fan-out step may have. */
    public static final int MAX_BRANCHES = 10_000;

    private final CompiledPipeline pipeline;
    private final RunState state;
    private final Object input;
    private final Map<String, Resolution> resolved = new HashMap<>();
    private final List<StepStart> starts = new ArrayList<>();
    private final List<StepSkip> skips = new ArrayList<>();
    private final List<StepFail> fails = new ArrayList<>();
    private final List<FanOut> fanOuts = new ArrayList<>();
    private Failed failed;

    private PlanPass(CompiledPipeline pipeline, JsonNode input, RunState state) {
        this.pipeline = pipeline;
        this.state = state;
        this.input = JsonValues.toPlain(input);
    }

    /** The plan for {@code state}. */
    public static Plan plan(CompiledPipeline pipeline, JsonNode input, RunState state) {
        return new PlanPass(pipeline, input, state).run();
    }

    private Plan run() {
        List<StepDefinition> order = pipeline.graph().runOrder();
        for (StepDefinition s : order) {
            Resolution r = resolveStep(pipeline.step(s.id()));
            resolved.put(s.id(), r);
            if (r instanceof Failed f && failed == null) {
                failed = f;
            }
        }
        if (failed != null) {
            starts.clear();
            fails.clear();
            for (StepDefinition s : order) {
                boolean recorded = state.instances().entrySet().stream().anyMatch(e -> e.getKey().stepId().equals(s.id())
                        && e.getValue().status() != StepStatus.PENDING);
                boolean skipping = skips.stream().anyMatch(k -> k.instance().stepId().equals(s.id()));
                if (!recorded && !skipping) {
                    skips.add(new StepSkip(StepInstance.of(s.id()), "not run: the run failed at '" + failed.at() + "'"));
                }
            }
            RunStatus status = state.anyRunning() ? RunStatus.FAILING : RunStatus.FAILED;
            return new Plan(starts, skips, fails, fanOuts, status, failed.at(), failed.error(), null);
        }
        boolean settled = order.stream().allMatch(s -> resolved.get(s.id()) instanceof Done
                || resolved.get(s.id()) instanceof Resolution.Skipped);
        RunStatus status = settled && starts.isEmpty() && fails.isEmpty() && !state.anyRunning()
                ? RunStatus.COMPLETED : RunStatus.RUNNING;
        return new Plan(starts, skips, fails, fanOuts, status, null, null, status == RunStatus.COMPLETED ? output(order) : null);
    }

    /** The outputs of the final steps that are done, by step id, in run order. */
    private JsonNode output(List<StepDefinition> order) {
        Set<String> waitedFor = new HashSet<>();
        order.forEach(s -> waitedFor.addAll(s.upstream()));
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (StepDefinition s : order) {
            if (!waitedFor.contains(s.id()) && resolved.get(s.id()) instanceof Done d) {
                out.set(s.id(), d.output());
            }
        }
        return out;
    }

    private Resolution resolveStep(CompiledStep c) {
        StepDefinition s = c.step();
        StepInstance whole = StepInstance.of(s.id());
        StepState own = state.get(whole);
        if (own != null && own.status() == StepStatus.SKIPPED) {
            return Resolution.SKIPPED;
        }
        for (String up : s.upstream()) {
            Resolution r = resolved.get(up);
            if (!(r instanceof Done || r instanceof Resolution.Skipped)) {
                return r instanceof Resolution.NotStarted ? Resolution.NOT_STARTED : Resolution.IN_PROGRESS;
            }
        }
        for (String up : s.upstream()) {
            if (resolved.get(up) instanceof Resolution.Skipped) {
                return skip(whole, "'" + up + "', which it waits for, was skipped");
            }
        }
        TemplateContext context = context(s.id());
        if (!started(s)) {
            for (int k = 0; k < s.after().size(); k++) {
                Condition when = c.when().get(k);
                if (when == null) {
                    continue;
                }
                try {
                    if (!when.test(context)) {
                        return skip(whole, "the condition on '" + s.after().get(k).step() + "' was false: " + s.after().get(k).when());
                    }
                } catch (TemplateException e) {
                    fails.add(new StepFail(whole, e.getMessage()));
                    return Resolution.IN_PROGRESS;
                }
            }
        }
        return s.fansOut() ? resolveFanOut(c, context) : resolveOrdinary(c, context);
    }

    private Resolution resolveOrdinary(CompiledStep c, TemplateContext context) {
        StepInstance whole = StepInstance.of(c.step().id());
        Resolution r = instance(whole, context, null);
        if (r instanceof Resolution.NotStarted) {
            start(c, whole, context, null);
            return Resolution.IN_PROGRESS;
        }
        return r;
    }

    private Resolution resolveFanOut(CompiledStep c, TemplateContext context) {
        StepDefinition s = c.step();
        StepInstance whole = StepInstance.of(s.id());
        StepState own = state.get(whole);
        if (own != null && own.status() != StepStatus.PENDING) {
            return instance(whole, context, null); // forEach failed before (recorded FAILED at the step): its onFailure applies
        }
        List<Object> items;
        try {
            items = items(c, context);
        } catch (TemplateException e) {
            fails.add(new StepFail(whole, e.getMessage()));
            return Resolution.IN_PROGRESS;
        }
        fanOuts.add(new FanOut(s.id(), items.size()));
        List<Resolution> branches = new ArrayList<>();
        int inFlight = 0;
        for (int i = 0; i < items.size(); i++) {
            Resolution r = instance(StepInstance.branch(s.id(), i), context.withItem(items.get(i), i), null);
            branches.add(r);
            if (r instanceof Resolution.InProgress) {
                inFlight++;
            }
        }
        for (int i = 0; i < items.size() && inFlight < s.parallelism(); i++) {
            if (branches.get(i) instanceof Resolution.NotStarted) {
                start(c, StepInstance.branch(s.id(), i), context.withItem(items.get(i), i), null);
                branches.set(i, Resolution.IN_PROGRESS);
                inFlight++;
            }
        }
        ArrayNode outputs = JsonNodeFactory.instance.arrayNode();
        for (Resolution r : branches) {
            if (r instanceof Failed) {
                return r;
            }
        }
        for (Resolution r : branches) {
            if (!(r instanceof Done d)) {
                return Resolution.IN_PROGRESS;
            }
            outputs.add(d.output());
        }
        return new Done(outputs);
    }

    private List<Object> items(CompiledStep c, TemplateContext context) {
        String field = c.path() + ".forEach";
        JsonNode list = c.forEach().evaluate(field, context);
        if (!list.isArray()) {
            throw new TemplateException(field, c.step().forEach().asText(), "must yield a list but yielded " + list);
        }
        if (list.size() > MAX_BRANCHES) {
            throw new TemplateException(field, c.step().forEach().asText(), "yielded " + list.size()
                    + " items; a fan-out has at most " + MAX_BRANCHES + " branches");
        }
        List<Object> items = new ArrayList<>();
        list.forEach(n -> items.add(JsonValues.toPlain(n)));
        return items;
    }

    /**
     * What one instance amounts to, following its onFailure: a failed instance with a fallback
     * resolves as its fallback's instance of the same index, started here when it has not been.
     */
    private Resolution instance(StepInstance at, TemplateContext context, StepInstance standsFor) {
        StepState st = state.get(at);
        if (st == null || st.status() == StepStatus.PENDING) {
            return Resolution.NOT_STARTED;
        }
        return switch (st.status()) {
            case RUNNING, PENDING -> Resolution.IN_PROGRESS;
            case COMPLETED -> new Done(st.output());
            case SKIPPED -> Resolution.SKIPPED;
            case FAILED -> onFailure(at, st.error(), context, standsFor == null ? at : standsFor);
        };
    }

    private Resolution onFailure(StepInstance at, String error, TemplateContext context, StepInstance original) {
        OnFailure f = pipeline.step(at.stepId()).step().onFailure();
        return switch (f.action()) {
            case FAIL -> new Failed(at, error);
            case CONTINUE -> new Done(NullNode.getInstance());
            case FALLBACK -> {
                StepInstance fallback = new StepInstance(f.fallback(), at.index());
                Resolution r = instance(fallback, context, original);
                if (r instanceof Resolution.NotStarted) {
                    start(pipeline.step(f.fallback()), fallback, context, original);
                    yield Resolution.IN_PROGRESS;
                }
                yield r;
            }
        };
    }

    private void start(CompiledStep c, StepInstance at, TemplateContext context, StepInstance standsFor) {
        try {
            JsonNode in = c.input().evaluate(c.path() + ".input", context);
            starts.add(new StepStart(at, c.step(), in, standsFor));
        } catch (TemplateException e) {
            fails.add(new StepFail(at, e.getMessage()));
        }
    }

    private Resolution skip(StepInstance whole, String reason) {
        skips.add(new StepSkip(whole, reason));
        return Resolution.SKIPPED;
    }

    private boolean started(StepDefinition s) {
        return state.instances().entrySet().stream().anyMatch(e -> e.getKey().stepId().equals(s.id())
                && e.getValue().status() != StepStatus.PENDING);
    }

    /** The input and the outputs of every upstream step that is done; fallback steps read those of the step they stand in for. */
    private TemplateContext context(String stepId) {
        Map<String, Object> outputs = new LinkedHashMap<>();
        for (String a : pipeline.graph().ancestors(stepId)) {
            if (resolved.get(a) instanceof Done d) {
                outputs.put(a, JsonValues.toPlain(d.output()));
            }
        }
        return TemplateContext.of(input, outputs);
    }
}
