package io.bulwark.cli.store;

import io.bulwark.cli.CliCapability;

import java.util.List;

/** The CLI's store commands: the store: status, migrations, backup and restore. */
public final class StoreCli implements CliCapability {

    @Override
    public String name() {
        return "store";
    }

    @Override
    public List<Class<?>> commands() {
        return List.of(StoreCommand.class);
    }
}
