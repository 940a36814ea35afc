package io.bulwark.cli.rollouts;

import io.bulwark.cli.CliCapability;

import java.util.List;

/** The CLI's progressive-delivery commands: {@code bulwark rollout ...}. */
public final class RolloutsCli implements CliCapability {

    @Override
    public String name() {
        return "rollouts";
    }

    @Override
    public List<Class<?>> commands() {
        return List.of(RolloutCommand.class);
    }
}
