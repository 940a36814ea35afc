package io.bulwark.server.internal.balancer;

import io.bulwark.core.config.ConfigKey;
import io.bulwark.server.BalancerKeys;
import io.bulwark.server.capability.Capability;
import io.bulwark.server.capability.CapabilityFactory;
import io.bulwark.server.capability.ServerContext;
import io.bulwark.server.http.ApiRoutes;

import java.util.List;
import java.util.Optional;

/** Load-balancing groups: their routes and active health checks. */
public final class BalancerCapability implements Capability {

    /** Makes it from {@code lb.*}. */
    public static final class Factory implements CapabilityFactory {
        @Override
        public String name() {
            return "balancer";
        }

        @Override
        public List<ConfigKey<?>> configKeys() {
            return BalancerKeys.ALL;
        }

        @Override
        public Optional<Capability> create(ServerContext ctx) {
            return Optional.of(new BalancerCapability(BalancerRuntime.fromConfig(ctx.config(), ctx.meters())));
        }
    }

    private final BalancerRuntime runtime;

    private BalancerCapability(BalancerRuntime runtime) {
        this.runtime = runtime;
    }

    /** The load-balancer groups, for the rollouts' {@code bulwark} driver. */
    public BalancerRuntime runtime() {
        return runtime;
    }

    @Override
    public String name() {
        return "balancer";
    }

    @Override
    public void routes(ApiRoutes routes) {
        new BalancerRoutes(runtime).register(routes);
    }

    @Override
    public void start() {
        runtime.start();
    }

    @Override
    public void close() {
        runtime.close();
    }
}
