package io.bulwark.pipeline.internal;

import io.bulwark.pipeline.After;
import io.bulwark.pipeline.PipelineDefinition;
import io.bulwark.pipeline.Problem;
import io.bulwark.pipeline.StepDefinition;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A definition with every template compiled and every reference a template makes checked:
 * what the validator reports on and what the planner runs.
 */
public final class CompiledPipeline {

    private static final Set<String> ROOTS = Set.of("input", "steps", "item", "index");

    private final PipelineDefinition definition;
    private final Graph graph;
    private final Map<String, CompiledStep> steps = new LinkedHashMap<>();

    private CompiledPipeline(PipelineDefinition definition) {
        this.definition = definition;
        this.graph = new Graph(definition);
    }

    /** Compiles {@code definition}, adding a problem for each template that does not compile or reads what it may not. */
    public static CompiledPipeline compile(PipelineDefinition definition, List<Problem> problems) {
        CompiledPipeline p = new CompiledPipeline(definition);
        Set<String> seen = new HashSet<>();
        List<StepDefinition> list = definition.steps();
        for (int i = 0; i < list.size(); i++) {
            StepDefinition s = list.get(i);
            CompiledStep compiled = p.compileStep(i, s, problems); // a repeated id is compiled for its problems too
            if (seen.add(s.id())) {
                p.steps.put(s.id(), compiled);
            }
        }
        return p;
    }

    private CompiledStep compileStep(int index, StepDefinition s, List<Problem> problems) {
        String path = "steps[" + index + "]";
        List<TemplateProblem> found = new ArrayList<>();
        CompiledTemplate input = CompiledTemplate.compile(path + ".input", s.input(), found);
        CompiledTemplate forEach = s.forEach() == null ? null : CompiledTemplate.compile(path + ".forEach", s.forEach(), found);
        List<Condition> when = new ArrayList<>();
        for (int k = 0; k < s.after().size(); k++) {
            After a = s.after().get(k);
            when.add(a.when() == null ? null : Condition.compile(path + ".after[" + k + "].when", a.when(), found));
        }
        found.forEach(t -> problems.add(new Problem(s.id(), t.field(), t.message())));

        String base = graph.standsFor(s.id());
        boolean inFanOut = base != null && graph.step(base) != null && graph.step(base).fansOut();
        Set<String> upstream = graph.ancestors(s.id());
        checkReferences(s, input.references(), upstream, inFanOut, problems);
        if (forEach != null) {
            checkReferences(s, forEach.references(), upstream, false, problems);
        }
        for (Condition c : when) {
            if (c != null) {
                checkReferences(s, c.references(), upstream, false, problems);
            }
        }
        return new CompiledStep(index, s, input, forEach, Collections.unmodifiableList(when)); // null where no condition
    }

    private void checkReferences(StepDefinition s, List<Reference> refs, Set<String> upstream, boolean itemAllowed,
                                 List<Problem> problems) {
        for (Reference r : refs) {
            String root = r.path().getFirst();
            String at = "'" + r.source() + "' ";
            if (!ROOTS.contains(root)) {
                problems.add(new Problem(s.id(), r.field(), at + "reads '" + root + "', which is not defined; a template"
                        + " may read input, steps.<id>.output, and item and index in a fan-out step's input"));
            } else if ((root.equals("item") || root.equals("index")) && !itemAllowed) {
                problems.add(new Problem(s.id(), r.field(), at + "reads '" + root + "', which is defined only in the input"
                        + " of a fan-out step (one with forEach) and of its fallback"));
            } else if (root.equals("steps")) {
                checkStepReference(s, r, at, upstream, problems);
            }
        }
    }

    private void checkStepReference(StepDefinition s, Reference r, String at, Set<String> upstream, List<Problem> problems) {
        if (r.path().size() < 2) {
            problems.add(new Problem(s.id(), r.field(), at + "reads steps without naming a step; write steps.<id>.output"
                    + " or steps['<id>'].output with the id written out"));
            return;
        }
        String target = r.path().get(1);
        if (graph.step(target) == null) {
            problems.add(new Problem(s.id(), r.field(), at + "reads steps." + target + ", but there is no step '" + target
                    + "'; steps are: " + String.join(", ", ids())));
        } else if (!upstream.contains(target)) {
            String who = graph.isFallback(s.id()) ? "the step '" + graph.standsFor(s.id()) + "' that '" + s.id()
                    + "' stands in for" : "'" + s.id() + "'";
            problems.add(new Problem(s.id(), r.field(), at + "reads steps." + target + ", which is not upstream of " + who
                    + "; only the outputs of steps it waits for (through after, directly or not) can be read"
                    + (upstream.isEmpty() ? " and it waits for none" : ": " + String.join(", ", upstream))));
        } else if (r.path().size() > 2 && !r.path().get(2).equals("output")) {
            problems.add(new Problem(s.id(), r.field(), at + "reads steps." + target + "." + r.path().get(2)
                    + "; a step offers only output: write steps." + target + ".output"));
        }
    }

    private List<String> ids() {
        List<String> ids = new ArrayList<>();
        graph.steps().forEach(s -> ids.add(s.id()));
        return ids;
    }

    /** The definition. */
    public PipelineDefinition definition() {
        return definition;
    }

    /** Its graph. */
    public Graph graph() {
        return graph;
    }

    /** The compiled step with this id, or null. */
    public CompiledStep step(String id) {
        return steps.get(id);
    }
}
