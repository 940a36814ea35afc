package io.bulwark.pipeline;

import io.bulwark.pipeline.internal.CompiledPipeline;
import io.bulwark.pipeline.internal.Graph;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a definition as a whole and lists every problem at once; an empty list means the
 * definition is valid. The problems it finds:
 *
 * <ul>
 *   <li>no steps; two steps with the same id;</li>
 *   <li>a type that is neither built in nor known ({@link StepTypes}); a built-in step whose
 *       input lacks a field it needs ({@link BuiltinStepType#check});</li>
 *   <li>dangling references: {@code after} naming a missing step, the step itself, a fallback
 *       step, or the same step twice; a fallback naming a missing step;</li>
 *   <li>fallback misuse: a fallback step that waits for steps, fans out, or is the fallback of two
 *       steps; a chain of fallbacks that loops;</li>
 *   <li>cycles of {@code after}, each named in running order ({@code a -> b -> c -> a});</li>
 *   <li>unreachable steps (see below);</li>
 *   <li>templates that do not compile, or that read what they may not: a variable other than
 *       {@code input}, {@code steps}, {@code item}, {@code index}; {@code item}/{@code index}
 *       outside a fan-out step's input; {@code steps.X} where X does not exist or is not upstream;</li>
 *   <li>an input schema that is not a valid JSON Schema.</li>
 * </ul>
 *
 * <p><b>Unreachable.</b> A step can start only once every step it waits for has finished. So a
 * step is <em>reachable</em> when it is not a fallback step and every step it waits for exists,
 * is not a fallback step and is reachable (a root, waiting for nothing, is reachable); and a
 * fallback step is reachable when the step naming it is. A step outside that set, and not itself
 * on a cycle (reported as a cycle), is reported as unreachable with the step that blocks it: it
 * hangs off a cycle, a missing step, or a fallback step.
 *
 * <p>Problems of shape (unknown fields, wrong types, bad retry, timeout or parallelism values)
 * are found when a document is read: {@link PipelineDefinitions#check} gives both kinds at once.
 */
public final class PipelineValidator {

    private static final int IDS_LISTED = 20;

    private PipelineValidator() {
    }

    /** Every problem of {@code definition}, with {@code types} as the known step types. */
    public static List<Problem> validate(PipelineDefinition definition, StepTypes types) {
        List<Problem> problems = new ArrayList<>();
        List<StepDefinition> steps = definition.steps();
        if (steps.isEmpty()) {
            problems.add(new Problem(null, "steps", "a pipeline needs at least one step"));
        }
        Map<String, Integer> firstIndex = new HashMap<>();
        for (int i = 0; i < steps.size(); i++) {
            StepDefinition s = steps.get(i);
            Integer first = firstIndex.putIfAbsent(s.id(), i);
            if (first != null) {
                problems.add(new Problem(s.id(), path(i) + ".id", "duplicate step id '" + s.id() + "': steps["
                        + first + "] has it already; ids must be unique"));
            }
        }
        Graph graph = new Graph(definition);
        for (int i = 0; i < steps.size(); i++) {
            checkStep(i, steps.get(i), graph, types, problems);
        }
        checkFallbacks(steps, graph, problems);
        Set<String> onCycle = new HashSet<>();
        for (List<String> cycle : graph.cycles()) {
            onCycle.addAll(cycle);
            String first = cycle.getFirst();
            problems.add(new Problem(first, path(firstIndex.get(first)) + ".after", "the steps form a cycle, so none of"
                    + " them can ever start: " + String.join(" -> ", cycle)));
        }
        Set<String> reachable = graph.reachable();
        for (StepDefinition s : graph.steps()) {
            if (!reachable.contains(s.id()) && !onCycle.contains(s.id())) {
                problems.add(new Problem(s.id(), path(firstIndex.get(s.id())), "can never start: "
                        + blocker(s, graph, reachable, onCycle)));
            }
        }
        CompiledPipeline.compile(definition, problems);
        if (definition.inputSchema() != null) {
            problems.addAll(InputSchema.check(definition.inputSchema()));
        }
        return List.copyOf(problems);
    }

    private static void checkStep(int i, StepDefinition s, Graph graph, StepTypes types, List<Problem> problems) {
        if (!types.isKnown(s.type())) {
            problems.add(new Problem(s.id(), path(i) + ".type", "unknown step type '" + s.type() + "'; known are "
                    + types.describe()));
        }
        BuiltinStepType.of(s.type()).ifPresent(b -> b.check(s.input()).forEach(message -> {
            int colon = message.indexOf(':');
            String field = message.substring(0, colon);
            problems.add(new Problem(s.id(), path(i) + ".input" + (field.isEmpty() ? "" : "." + field),
                    message.substring(colon + 1).strip()));
        }));
        Set<String> named = new HashSet<>();
        for (int k = 0; k < s.after().size(); k++) {
            String up = s.after().get(k).step();
            String at = path(i) + ".after[" + k + "]";
            if (!named.add(up)) {
                problems.add(new Problem(s.id(), at, "waits for '" + up + "' twice; name each step once"));
            } else if (up.equals(s.id())) {
                problems.add(new Problem(s.id(), at, "a step cannot wait for itself"));
            } else if (graph.step(up) == null) {
                problems.add(new Problem(s.id(), at, "waits for step '" + up + "', which does not exist; steps are: "
                        + ids(graph)));
            } else if (graph.isFallback(up)) {
                problems.add(new Problem(s.id(), at, "waits for '" + up + "', which runs only as the fallback of '"
                        + graph.ownerOf(up) + "'; wait for '" + graph.standsFor(up) + "' instead, whose output the"
                        + " fallback's stands for"));
            }
        }
        OnFailure f = s.onFailure();
        if (f.action() == OnFailure.Action.FALLBACK && graph.step(f.fallback()) == null) {
            problems.add(new Problem(s.id(), path(i) + ".onFailure.fallback", "names step '" + f.fallback()
                    + "', which does not exist; steps are: " + ids(graph)));
        }
    }

    private static void checkFallbacks(List<StepDefinition> steps, Graph graph, List<Problem> problems) {
        Map<String, String> owners = new HashMap<>();
        for (int i = 0; i < steps.size(); i++) {
            StepDefinition s = steps.get(i);
            if (s.onFailure().action() == OnFailure.Action.FALLBACK) {
                String previous = owners.putIfAbsent(s.onFailure().fallback(), s.id());
                if (previous != null && !previous.equals(s.id())) {
                    problems.add(new Problem(s.id(), path(i) + ".onFailure.fallback", "'" + s.onFailure().fallback()
                            + "' is already the fallback of '" + previous + "'; give each step its own fallback step"));
                }
            }
            if (graph.isFallback(s.id()) && graph.step(s.id()) == s) {
                if (!s.after().isEmpty()) {
                    problems.add(new Problem(s.id(), path(i) + ".after", "'" + s.id() + "' is the fallback of '"
                            + graph.ownerOf(s.id()) + "' and runs in its place, so it cannot wait for steps of its own"));
                }
                if (s.fansOut()) {
                    problems.add(new Problem(s.id(), path(i) + ".forEach", "'" + s.id() + "' is the fallback of '"
                            + graph.ownerOf(s.id()) + "' and cannot fan out; it runs once for each failed instance"));
                }
                if (graph.standsFor(s.id()) == null) {
                    problems.add(new Problem(s.id(), path(i) + ".onFailure.fallback", "the fallbacks of '" + s.id()
                            + "' form a loop; a chain of fallbacks must end"));
                }
            }
        }
    }

    private static String blocker(StepDefinition s, Graph graph, Set<String> reachable, Set<String> onCycle) {
        if (graph.isFallback(s.id())) {
            return "it is the fallback of '" + graph.ownerOf(s.id()) + "', which can never start";
        }
        for (After a : s.after()) {
            String up = a.step();
            if (up.equals(s.id())) {
                return "it waits for itself";
            }
            if (graph.step(up) == null) {
                return "it waits for '" + up + "', which does not exist";
            }
            if (graph.isFallback(up)) {
                return "it waits for '" + up + "', which runs only as a fallback";
            }
            if (onCycle.contains(up)) {
                return "it waits for '" + up + "', which is on a cycle";
            }
            if (!reachable.contains(up)) {
                return "it waits for '" + up + "', which can never start";
            }
        }
        return "it waits for a step that can never start";
    }

    /** The steps' ids for a message: the first {@value #IDS_LISTED}, then how many more, so that a message stays short. */
    private static String ids(Graph graph) {
        List<String> ids = new ArrayList<>();
        graph.steps().forEach(s -> ids.add(s.id()));
        int more = ids.size() - IDS_LISTED;
        return more <= 0 ? String.join(", ", ids) : String.join(", ", ids.subList(0, IDS_LISTED)) + " and " + more + " more";
    }

    private static String path(int index) {
        return "steps[" + index + "]";
    }
}
