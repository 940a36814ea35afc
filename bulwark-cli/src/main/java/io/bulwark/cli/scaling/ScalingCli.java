package io.bulwark.cli.scaling;

import io.bulwark.cli.CliCapability;

import java.util.List;

/** The CLI's autoscaler commands. */
public final class ScalingCli implements CliCapability {

    @Override
    public String name() {
        return "scaling";
    }

    @Override
    public List<Class<?>> commands() {
        return List.of(ScalingCommand.class);
    }
}
