package io.bulwark.providers;

import io.bulwark.core.validation.Problems;
import io.bulwark.providers.degradation.DegradationConfig;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A provider group as written in config or sent over the API.
 *
 * <pre>{@code
 * {"name": "llm", "strategy": "weighted",
 *  "providers": [{"name": "openai", ...}, {"name": "anthropic", ...}],
 *  "fallbackChain": ["openai", "anthropic"],
 *  "degradation": {"triggers": ["breaker-open", "error-rate"], "actions": ["fallback", "cache", "error"]}}
 * }</pre>
 *
 * @param name the group's name, used in {@code /api/v1/providers/{group}/call}
 * @param strategy how the first provider of a call is chosen: {@code round-robin} (default),
 *                 {@code weighted} or another of {@link ProviderSelector#BUILT_IN}, or a strategy
 *                 added through {@link Providers.Builder#strategy}
 * @param providers the group's providers, at least one
 * @param fallbackChain the order in which the others are tried after the chosen one fails
 *                     (default: the order of {@code providers})
 * @param degradation the group's degradation strategy
 * @param queue the group's request queue, where calls wait when no provider can take them now
 */
public record GroupSpec(String name, String strategy, List<ProviderSpec> providers, List<String> fallbackChain,
                        DegradationSpec degradation, QueueSpec queue) {

    /** A group with the default queue. */
    public GroupSpec(String name, String strategy, List<ProviderSpec> providers, List<String> fallbackChain,
                     DegradationSpec degradation) {
        this(name, strategy, providers, fallbackChain, degradation, null);
    }

    /**
     * The group's settings, with every bad field recorded in {@code problems} under
     * {@code path}; {@code strategies} says which strategy names are known.
     */
    public GroupSettings resolve(Problems problems, String path, Set<String> strategies) {
        ProviderSpec.checkName(problems, path + ".name", name);
        String s = strategy == null ? "round-robin" : strategy;
        if (!strategies.contains(s)) {
            problems.add(path + ".strategy", "strategy must be one of " + String.join(", ", strategies.stream().sorted().toList())
                    + " but was '" + s + "'");
        }
        List<ProviderSettings> resolved = new ArrayList<>();
        Set<String> names = new HashSet<>();
        if (providers == null || providers.isEmpty()) {
            problems.add(path + ".providers", "a group needs at least one provider");
        } else {
            for (int i = 0; i < providers.size(); i++) {
                ProviderSpec p = providers.get(i);
                if (p == null) {
                    problems.add(path + ".providers[" + i + "]", "must be a provider object");
                    continue;
                }
                ProviderSettings settings = p.resolve(problems, path + ".providers[" + i + "]");
                if (p.name() != null && !names.add(p.name())) {
                    problems.add(path + ".providers[" + i + "].name", "provider '" + p.name() + "' appears twice");
                }
                resolved.add(settings);
            }
        }
        // Names may be null here (already reported above); they are left out so that building the
        // settings cannot fail on them before the problems are thrown.
        List<String> chain = fallbackChain;
        if (chain == null) {
            chain = resolved.stream().map(ProviderSettings::name).filter(java.util.Objects::nonNull).toList();
        } else {
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < chain.size(); i++) {
                String n = chain.get(i);
                if (!names.contains(n)) {
                    problems.add(path + ".fallbackChain[" + i + "]", "'" + n + "' is not a provider of this group; "
                            + "its providers are " + names.stream().sorted().toList());
                } else if (!seen.add(n)) {
                    problems.add(path + ".fallbackChain[" + i + "]", "'" + n + "' appears twice");
                }
            }
            // Providers left out of the chain are still chosen by the strategy; they are tried last.
            List<String> full = new ArrayList<>(chain.stream().filter(java.util.Objects::nonNull).toList());
            resolved.stream().map(ProviderSettings::name).filter(n -> n != null && !full.contains(n)).forEach(full::add);
            chain = full;
        }
        DegradationConfig d = (degradation == null ? DegradationSpec.defaults() : degradation)
                .toConfig(problems, path + ".degradation");
        io.bulwark.providers.queue.QueueConfig q = (queue == null ? QueueSpec.defaults() : queue)
                .resolve(problems, path + ".queue");
        return new GroupSettings(name, s, resolved, List.copyOf(chain), d, q, this);
    }
}
