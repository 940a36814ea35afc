package io.bulwark.cli.profiles;

import io.bulwark.cli.CliCapability;

import java.util.List;

/** The CLI's profiler command. */
public final class ProfilesCli implements CliCapability {

    @Override
    public String name() {
        return "profiles";
    }

    @Override
    public List<Class<?>> commands() {
        return List.of(ProfileCommand.class);
    }
}
