package io.bulwark.pipeline;

import java.util.Arrays;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The step types a pipeline may use: the {@link BuiltinStepType built-ins} plus the job handler
 * types the caller knows of (on a server, the registered handlers).
 *
 * <pre>{@code
 * StepTypes types = StepTypes.builtinsAnd(Set.of("builtin.echo", "send-email"));
 * types.isKnown("wait");       // true
 * types.isKnown("send-emial"); // false
 * }</pre>
 */
public final class StepTypes {

    private static final int LISTED = 20;

    private final Set<String> handlers;
    private final Predicate<String> known;

    private StepTypes(Set<String> handlers, Predicate<String> known) {
        this.handlers = handlers;
        this.known = known;
    }

    /** The built-ins and the given handler types. */
    public static StepTypes builtinsAnd(Collection<String> handlerTypes) {
        Set<String> copy = Set.copyOf(handlerTypes);
        return new StepTypes(copy, t -> BuiltinStepType.of(t).isPresent() || copy.contains(t));
    }

    /** Every type: for checks that run where no handler registry is at hand (the planner's). */
    public static StepTypes any() {
        return new StepTypes(null, t -> true);
    }

    /** True when a step may have this type. */
    public boolean isKnown(String type) {
        return known.test(type);
    }

    /** The known types for an error message: the built-ins, then the handlers (the first 20). */
    public String describe() {
        String builtins = Arrays.stream(BuiltinStepType.values()).map(BuiltinStepType::type).collect(Collectors.joining(", "));
        if (handlers == null) {
            return "any type";
        }
        if (handlers.isEmpty()) {
            return "the built-ins " + builtins + " (no job handler types are registered)";
        }
        TreeSet<String> sorted = new TreeSet<>(handlers);
        String listed = sorted.stream().limit(LISTED).collect(Collectors.joining(", "));
        String more = sorted.size() > LISTED ? " and " + (sorted.size() - LISTED) + " more" : "";
        return "the built-ins " + builtins + " and the job handler types " + listed + more;
    }
}
