package io.bulwark.server.internal.rollouts;

import io.bulwark.deploy.rollout.TrafficDriver;
import io.bulwark.providers.GroupSpec;
import io.bulwark.providers.ProviderSpec;
import io.bulwark.server.internal.resilience.ResilienceRuntime;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code bulwark} driver over a provider group ({@code driver: {type: bulwark, providerGroup:
 * llm, stable: openai-v1, canary: openai-v2}}): a new provider version takes {@code w} percent of
 * the gateway's calls to the group, the stable one {@code 100 - w}, through the group's weights. The
 * group must choose by weight ({@code weighted} or {@code random}). A provider at weight 0 leaves the
 * group and its fallback chain, so a failing stable call does not spill onto a canary that was rolled
 * back; it comes back with its settings as they were when the driver was made. Each change goes
 * through the same path as {@code PUT /api/v1/providers/{group}}: validated, applied, kept in the
 * store, so the weights survive a restart.
 */
final class ProviderGroupDriver implements TrafficDriver {

    static final Set<String> WEIGHTED = Set.of("weighted", "random");

    private final ResilienceRuntime runtime;
    private final String group;
    private final ProviderSpec stable;
    private final ProviderSpec canary;

    private ProviderGroupDriver(ResilienceRuntime runtime, String group, ProviderSpec stable, ProviderSpec canary) {
        this.runtime = runtime;
        this.group = group;
        this.stable = stable;
        this.canary = canary;
    }

    /** The driver from its settings; IllegalArgumentException naming {@code driver.<setting>} otherwise. */
    static TrafficDriver create(ResilienceRuntime runtime, Map<String, Object> settings) {
        String name = text(settings, "providerGroup", "a provider group name");
        java.util.Set<String> unknown = new java.util.TreeSet<>(settings.keySet());
        unknown.removeAll(Set.of("providerGroup", "stable", "canary"));
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("driver: " + unknown + " are not settings of a provider-group rollout; "
                    + "allowed: providerGroup, stable, canary");
        }
        GroupSpec spec = runtime.groupSpecs().get(name);
        if (spec == null) {
            throw new IllegalArgumentException("driver.providerGroup: no provider group '" + name + "', known: "
                    + runtime.groupSpecs().keySet());
        }
        if (!WEIGHTED.contains(spec.strategy())) {
            throw new IllegalArgumentException("driver.providerGroup: group '" + name + "' chooses by " + spec.strategy()
                    + ", which ignores weights; set its strategy to weighted or random");
        }
        ProviderSpec stable = member(spec, text(settings, "stable", "a provider of the group"), "stable");
        ProviderSpec canary = member(spec, text(settings, "canary", "a provider of the group"), "canary");
        if (stable.name().equals(canary.name())) {
            throw new IllegalArgumentException("driver.canary: must differ from driver.stable ('" + stable.name() + "')");
        }
        return new ProviderGroupDriver(runtime, name, stable, canary);
    }

    private static String text(Map<String, Object> settings, String name, String what) {
        if (!(settings.get(name) instanceof String s) || s.isBlank()) {
            throw new IllegalArgumentException("driver." + name + ": is required (" + what + ")");
        }
        return s;
    }

    private static ProviderSpec member(GroupSpec spec, String name, String role) {
        return spec.providers().stream().filter(p -> name.equals(p.name())).findFirst().orElseThrow(() ->
                new IllegalArgumentException("driver." + role + ": '" + name + "' is not a provider of group '"
                        + spec.name() + "', providers: " + spec.providers().stream().map(ProviderSpec::name).toList()));
    }

    @Override
    public String type() {
        return "bulwark";
    }

    @Override
    public void setWeight(int weight) throws DriverException {
        if (weight < 0 || weight > 100) {
            throw new DriverException("weight must be 0 to 100 but was " + weight);
        }
        GroupSpec now = runtime.groupSpecs().get(group);
        if (now == null) {
            throw new DriverException("provider group '" + group + "' is gone (removed over the API?)");
        }
        List<ProviderSpec> providers = new ArrayList<>();
        for (ProviderSpec p : now.providers()) {
            if (!p.name().equals(stable.name()) && !p.name().equals(canary.name())) {
                providers.add(p);
            }
        }
        if (weight < 100) {
            providers.add(withWeight(stable, 100 - weight));
        }
        if (weight > 0) {
            providers.add(withWeight(canary, weight));
        }
        List<String> chain = null;
        if (now.fallbackChain() != null) {
            Set<String> present = new java.util.HashSet<>(providers.stream().map(ProviderSpec::name).toList());
            chain = new ArrayList<>(now.fallbackChain().stream().filter(present::contains).toList());
            for (ProviderSpec p : providers) {
                if (!chain.contains(p.name())) {
                    chain.add(p.name()); // the provider coming back joins the end of the chain
                }
            }
        }
        try {
            runtime.putGroups(List.of(new GroupSpec(group, now.strategy(), providers, chain, now.degradation(),
                    now.queue())), false);
        } catch (RuntimeException e) {
            throw new DriverException("provider group '" + group + "' refused weights " + (100 - weight) + "/" + weight
                    + ": " + e.getMessage(), e);
        }
    }

    @Override
    public int weight() {
        GroupSpec now = runtime.groupSpecs().get(group);
        int s = 0;
        int c = 0;
        if (now != null) {
            for (ProviderSpec p : now.providers()) {
                int w = p.weight() == null ? 1 : p.weight();
                if (p.name().equals(stable.name())) {
                    s = w;
                } else if (p.name().equals(canary.name())) {
                    c = w;
                }
            }
        }
        return s + c == 0 ? 0 : Math.round(100f * c / (s + c));
    }

    private static ProviderSpec withWeight(ProviderSpec p, int weight) {
        return new ProviderSpec(p.name(), p.baseUrl(), p.authHeader(), p.authPrefix(), p.authSecret(), p.timeout(), weight,
                p.capacity(), p.maxWait(), p.retry(), p.breaker(), p.limits(), p.costLimits());
    }
}
