package io.bulwark.cli.deploy;

import io.bulwark.cli.CliCapability;

import java.util.List;

/** The CLI's deployment commands: generate artifacts from the configuration, validate them, build the image. */
public final class DeployCli implements CliCapability {

    @Override
    public String name() {
        return "deploy";
    }

    @Override
    public List<Class<?>> commands() {
        return List.of(DeployCommand.class);
    }
}
