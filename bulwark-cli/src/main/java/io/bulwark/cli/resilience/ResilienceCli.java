package io.bulwark.cli.resilience;

import io.bulwark.cli.CliCapability;

import java.util.List;

/** The CLI's resilience commands: providers, breakers and degradation. */
public final class ResilienceCli implements CliCapability {

    @Override
    public String name() {
        return "resilience";
    }

    @Override
    public List<Class<?>> commands() {
        return List.of(ProvidersCommand.class, CallsCommand.class, BreakersCommand.class, DegradationCommand.class);
    }
}
