package io.bulwark.pipeline.internal;

import io.bulwark.pipeline.After;
import io.bulwark.pipeline.OnFailure;
import io.bulwark.pipeline.PipelineDefinition;
import io.bulwark.pipeline.StepDefinition;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The step graph of a definition, safe to build on a broken one (repeated ids keep their first
 * step; missing steps and cycles are tolerated) so that the validator can ask it questions.
 *
 * <p>Two relations: {@code after} edges (a step waits for its upstream steps) and fallback
 * edges (a step's {@code onFailure.fallback}). A <em>fallback step</em> is one some step names
 * as its fallback; it runs only in that role.
 */
public final class Graph {

    private final Map<String, StepDefinition> steps = new LinkedHashMap<>();
    private final Map<String, String> ownerOfFallback = new LinkedHashMap<>();

    /** The graph of {@code definition}. */
    public Graph(PipelineDefinition definition) {
        for (StepDefinition s : definition.steps()) {
            steps.putIfAbsent(s.id(), s);
        }
        for (StepDefinition s : steps.values()) {
            if (s.onFailure().action() == OnFailure.Action.FALLBACK && steps.containsKey(s.onFailure().fallback())) {
                ownerOfFallback.putIfAbsent(s.onFailure().fallback(), s.id());
            }
        }
    }

    /** The step with this id, or null. */
    public StepDefinition step(String id) {
        return steps.get(id);
    }

    /** The steps, first of each id, in the order written. */
    public Iterable<StepDefinition> steps() {
        return steps.values();
    }

    /** True when some step names {@code id} as its fallback. */
    public boolean isFallback(String id) {
        return ownerOfFallback.containsKey(id);
    }

    /** The step that names {@code id} as its fallback (the first one), or null. */
    public String ownerOf(String fallbackId) {
        return ownerOfFallback.get(fallbackId);
    }

    /**
     * The step a fallback chain stands in for: for a fallback step, its owner's stand-in (following
     * the chain up); for any other step, the step itself. Null when the chain loops.
     */
    public String standsFor(String id) {
        Set<String> seen = new HashSet<>();
        String at = id;
        while (isFallback(at)) {
            if (!seen.add(at)) {
                return null;
            }
            at = ownerOf(at);
        }
        return at;
    }

    /**
     * The steps whose outputs a step may read: every step upstream of it through {@code after},
     * transitively; for a fallback step, those of the step it stands in for.
     */
    public Set<String> ancestors(String id) {
        String base = standsFor(id);
        Set<String> seen = new LinkedHashSet<>();
        if (base == null) {
            return seen;
        }
        Deque<String> todo = new ArrayDeque<>();
        todo.push(base);
        while (!todo.isEmpty()) {
            StepDefinition s = steps.get(todo.pop());
            if (s == null) {
                continue;
            }
            for (After a : s.after()) {
                if (seen.add(a.step())) {
                    todo.push(a.step());
                }
            }
        }
        seen.remove(base);
        return seen;
    }

    /**
     * The cycles of the {@code after} relation, each once, as the steps in the order they would
     * run, first step repeated at the end: {@code [a, b, c, a]}.
     */
    public List<List<String>> cycles() {
        List<List<String>> cycles = new ArrayList<>();
        Map<String, Integer> state = new HashMap<>(); // 1 on the path, 2 done
        for (String id : steps.keySet()) {
            if (!state.containsKey(id)) {
                findCycles(id, new ArrayList<>(), state, cycles);
            }
        }
        return cycles;
    }

    private void findCycles(String id, List<String> path, Map<String, Integer> state, List<List<String>> cycles) {
        state.put(id, 1);
        path.add(id);
        for (After a : steps.get(id).after()) {
            String up = a.step();
            if (!steps.containsKey(up) || up.equals(id)) {
                continue; // a missing step and a step waiting for itself are reported on their own
            }
            Integer s = state.get(up);
            if (s == null) {
                findCycles(up, path, state, cycles);
            } else if (s == 1) {
                // path holds downstream -> ... -> upstream; a cycle reads in running order, upstream first.
                List<String> cycle = new ArrayList<>(path.subList(path.indexOf(up), path.size()).reversed());
                cycle.add(id);
                cycles.add(rotate(cycle));
            }
        }
        path.removeLast();
        state.put(id, 2);
    }

    /** Starts the cycle at its step written first, so that the same cycle always reads the same way. */
    private List<String> rotate(List<String> cycle) {
        List<String> ring = cycle.subList(0, cycle.size() - 1);
        List<String> order = new ArrayList<>(steps.keySet());
        int start = 0;
        for (int i = 1; i < ring.size(); i++) {
            if (order.indexOf(ring.get(i)) < order.indexOf(ring.get(start))) {
                start = i;
            }
        }
        List<String> out = new ArrayList<>(ring.subList(start, ring.size()));
        out.addAll(ring.subList(0, start));
        out.add(out.getFirst());
        return out;
    }

    /**
     * The steps that can start in some run: a step that is not a fallback step is reachable when
     * every step it waits for exists, is not a fallback step and is reachable (so a root, which
     * waits for nothing, is); a fallback step is reachable when the step naming it is. The least
     * such set: a step on a cycle, or downstream of a cycle or of a missing step, is not in it.
     */
    public Set<String> reachable() {
        Set<String> reachable = new LinkedHashSet<>();
        boolean grew = true;
        while (grew) {
            grew = false;
            for (StepDefinition s : steps.values()) {
                if (reachable.contains(s.id())) {
                    continue;
                }
                boolean ok = isFallback(s.id()) ? reachable.contains(ownerOf(s.id()))
                        : s.after().stream().allMatch(a -> steps.containsKey(a.step()) && !isFallback(a.step())
                        && reachable.contains(a.step()));
                if (ok) {
                    reachable.add(s.id());
                    grew = true;
                }
            }
        }
        return reachable;
    }

    /**
     * The steps that are not fallback steps, each after every step it waits for; ties keep the
     * order written. Only meaningful on a graph without cycles or missing steps.
     */
    public List<StepDefinition> runOrder() {
        List<StepDefinition> order = new ArrayList<>();
        Set<String> placed = new HashSet<>();
        boolean grew = true;
        while (grew) {
            grew = false;
            for (StepDefinition s : steps.values()) {
                if (!placed.contains(s.id()) && !isFallback(s.id()) && placed.containsAll(s.upstream())) {
                    order.add(s);
                    placed.add(s.id());
                    grew = true;
                }
            }
        }
        return order;
    }
}
