package io.bulwark.cli.cache;

import io.bulwark.cli.CliCapability;

import java.util.List;

/** The CLI's cache commands: the caches a server holds, their figures, entries, invalidation and warm-ups. */
public final class CacheCli implements CliCapability {

    @Override
    public String name() {
        return "cache";
    }

    @Override
    public List<Class<?>> commands() {
        return List.of(CacheCommand.class);
    }
}
