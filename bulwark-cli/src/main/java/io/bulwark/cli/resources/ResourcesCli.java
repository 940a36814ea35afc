package io.bulwark.cli.resources;

import io.bulwark.cli.CliCapability;

import java.util.List;

/** The CLI's resource commands. */
public final class ResourcesCli implements CliCapability {

    @Override
    public String name() {
        return "resources";
    }

    @Override
    public List<Class<?>> commands() {
        return List.of(ResourcesCommand.class);
    }
}
