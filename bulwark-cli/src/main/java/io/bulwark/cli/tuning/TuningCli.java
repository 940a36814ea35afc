package io.bulwark.cli.tuning;

import io.bulwark.cli.CliCapability;

import java.util.List;

/** The CLI's tuner command. */
public final class TuningCli implements CliCapability {

    @Override
    public String name() {
        return "tuning";
    }

    @Override
    public List<Class<?>> commands() {
        return List.of(TuneCommand.class);
    }
}
