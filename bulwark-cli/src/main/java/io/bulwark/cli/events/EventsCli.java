package io.bulwark.cli.events;

import io.bulwark.cli.CliCapability;

import java.util.List;

/** The CLI's event commands. */
public final class EventsCli implements CliCapability {

    @Override
    public String name() {
        return "events";
    }

    @Override
    public List<Class<?>> commands() {
        return List.of(EventsCommand.class);
    }
}
