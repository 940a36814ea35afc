package io.bulwark.cli.dev;

import io.bulwark.cli.CliCapability;

import java.util.List;

/** The CLI's development helpers: {@code bulwark dev fake-provider}. */
public final class DevCli implements CliCapability {

    @Override
    public String name() {
        return "dev";
    }

    @Override
    public List<Class<?>> commands() {
        return List.of(DevCommand.class);
    }
}
