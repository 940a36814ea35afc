package io.bulwark.cli.messaging;

import io.bulwark.cli.CliCapability;

import java.util.List;

/** The CLI's messaging commands: broker connections, bridges, publishing and dead letters. */
public final class MessagingCli implements CliCapability {

    @Override
    public String name() {
        return "messaging";
    }

    @Override
    public List<Class<?>> commands() {
        return List.of(MessagingCommand.class);
    }
}
