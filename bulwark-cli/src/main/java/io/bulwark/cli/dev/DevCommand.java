package io.bulwark.cli.dev;

import io.bulwark.cli.commands.GroupCommand;
import picocli.CommandLine.Command;

/** {@code bulwark dev ...}: helpers for trying Bulwark on one machine, not for production. */
@Command(name = "dev", mixinStandardHelpOptions = true,
        description = "Helpers for trying Bulwark locally: fake-provider, a fake OpenAI-compatible endpoint.",
        subcommands = {FakeProviderCommand.class, TrainCommand.class})
final class DevCommand extends GroupCommand {
}
