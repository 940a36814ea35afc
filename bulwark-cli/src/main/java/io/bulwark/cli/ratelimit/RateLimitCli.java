package io.bulwark.cli.ratelimit;

import io.bulwark.cli.CliCapability;

import java.util.List;

/** The CLI's ratelimit commands: endpoint rate limits. */
public final class RateLimitCli implements CliCapability {

    @Override
    public String name() {
        return "ratelimit";
    }

    @Override
    public List<Class<?>> commands() {
        return List.of(LimitsCommand.class);
    }
}
