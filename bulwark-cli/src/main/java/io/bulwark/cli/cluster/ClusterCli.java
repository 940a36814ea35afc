package io.bulwark.cli.cluster;

import io.bulwark.cli.CliCapability;

import java.util.List;

/** The CLI's cluster commands: the fleet's nodes and locks. */
public final class ClusterCli implements CliCapability {

    @Override
    public String name() {
        return "cluster";
    }

    @Override
    public List<Class<?>> commands() {
        return List.of(NodesCommand.class, LocksCommand.class);
    }
}
