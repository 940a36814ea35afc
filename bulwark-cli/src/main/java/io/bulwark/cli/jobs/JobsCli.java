package io.bulwark.cli.jobs;

import io.bulwark.cli.CliCapability;

import java.util.List;

/** The CLI's jobs commands: jobs, queues and their dead letters. */
public final class JobsCli implements CliCapability {

    @Override
    public String name() {
        return "jobs";
    }

    @Override
    public List<Class<?>> commands() {
        return List.of(JobsCommand.class, QueuesCommand.class, DlqCommand.class);
    }
}
