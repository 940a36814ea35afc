package io.bulwark.server.internal.rollouts;

import io.bulwark.balancer.Endpoint;
import io.bulwark.balancer.LoadBalancer;
import io.bulwark.balancer.LoadBalancerRegistry;
import io.bulwark.deploy.rollout.TrafficDriver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code bulwark} driver: moves weight between two members of one of this server's
 * load-balancer groups ({@code driver: {type: bulwark, group: api, stable: blue, canary: green}},
 * members by endpoint id). The canary gets weight {@code w} and the stable one {@code 100 - w};
 * a member at weight 0 leaves the group (endpoint weights are 1 or more), and comes back with its
 * settings as they were when the driver was made. Weights steer traffic only with a weighted
 * strategy ({@code weighted-round-robin}, {@code random}); other members of the group keep theirs.
 */
final class BalancerDriver implements TrafficDriver {

    private final LoadBalancer group;
    private final Endpoint stable;
    private final Endpoint canary;

    private BalancerDriver(LoadBalancer group, Endpoint stable, Endpoint canary) {
        this.group = group;
        this.stable = stable;
        this.canary = canary;
    }

    static TrafficDriver.Factory factory(LoadBalancerRegistry registry) {
        return new TrafficDriver.Factory() {
            @Override
            public String type() {
                return "bulwark";
            }

            @Override
            public TrafficDriver create(Map<String, Object> settings) {
                String groupName = setting(settings, "group");
                LoadBalancer group = registry.find(groupName).orElseThrow(() -> new IllegalArgumentException(
                        "driver.group: no load-balancer group '" + groupName + "', known: "
                                + registry.all().stream().map(LoadBalancer::name).sorted().toList()));
                Endpoint stable = member(group, setting(settings, "stable"), "stable");
                Endpoint canary = member(group, setting(settings, "canary"), "canary");
                if (stable.id().equals(canary.id())) {
                    throw new IllegalArgumentException("driver.canary: must differ from driver.stable ('" + stable.id() + "')");
                }
                return new BalancerDriver(group, stable, canary);
            }
        };
    }

    private static String setting(Map<String, Object> settings, String name) {
        Object v = settings.get(name);
        if (!(v instanceof String s) || s.isBlank()) {
            throw new IllegalArgumentException("driver." + name + ": is required (a "
                    + (name.equals("group") ? "load-balancer group name" : "member endpoint id") + ")");
        }
        return s;
    }

    private static Endpoint member(LoadBalancer group, String id, String role) {
        return group.endpoints().stream().filter(e -> e.id().equals(id)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("driver." + role + ": '" + id + "' is not a member of group '"
                        + group.name() + "', members: " + group.endpoints().stream().map(Endpoint::id).toList()));
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
        List<Endpoint> members = new ArrayList<>();
        for (Endpoint e : group.endpoints()) {
            if (!e.id().equals(stable.id()) && !e.id().equals(canary.id())) {
                members.add(e);
            }
        }
        if (weight < 100) {
            members.add(stable.withWeight(100 - weight));
        }
        if (weight > 0) {
            members.add(canary.withWeight(weight));
        }
        try {
            group.update(members);
        } catch (RuntimeException e) {
            throw new DriverException("group '" + group.name() + "' refused weights " + (100 - weight) + "/" + weight + ": " + e.getMessage(), e);
        }
    }

    @Override
    public int weight() {
        int s = 0;
        int c = 0;
        for (Endpoint e : group.endpoints()) {
            if (e.id().equals(stable.id())) {
                s = e.weight();
            } else if (e.id().equals(canary.id())) {
                c = e.weight();
            }
        }
        return s + c == 0 ? 0 : Math.round(100f * c / (s + c));
    }
}
