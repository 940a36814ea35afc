package io.bulwark.cli.balancer;

import io.bulwark.cli.CliCapability;

import java.util.List;

/** The CLI's balancer commands: load-balancing groups. */
public final class BalancerCli implements CliCapability {

    @Override
    public String name() {
        return "balancer";
    }

    @Override
    public List<Class<?>> commands() {
        return List.of(LbCommand.class);
    }
}
