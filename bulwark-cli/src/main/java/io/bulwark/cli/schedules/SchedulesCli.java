package io.bulwark.cli.schedules;

import io.bulwark.cli.CliCapability;

import java.util.List;

/** The CLI's schedule commands: cron schedules that enqueue jobs. */
public final class SchedulesCli implements CliCapability {

    @Override
    public String name() {
        return "schedules";
    }

    @Override
    public List<Class<?>> commands() {
        return List.of(SchedulesCommand.class);
    }
}
