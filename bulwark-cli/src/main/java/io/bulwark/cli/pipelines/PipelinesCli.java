package io.bulwark.cli.pipelines;

import io.bulwark.cli.CliCapability;

import java.util.List;

/** The CLI's pipeline commands: definitions ({@code bulwark pipelines}) and their runs ({@code bulwark runs}). */
public final class PipelinesCli implements CliCapability {

    @Override
    public String name() {
        return "pipelines";
    }

    @Override
    public List<Class<?>> commands() {
        return List.of(PipelinesCommand.class, RunsCommand.class);
    }
}
