package io.bulwark.cli;

import java.util.List;

/**
 * One capability's commands in the {@code bulwark} command line, the CLI's side of the server's
 * capability seam: each lives in its capability's package beside the client code it calls, and
 * the root command only composes them. Built-in ones are listed in {@link CliCapabilities};
 * others are found with {@link java.util.ServiceLoader}.
 *
 * <pre>{@code
 * public final class CacheCli implements CliCapability {
 *     public String name() { return "cache"; }
 *     public List<Class<?>> commands() { return List.of(CacheCommand.class); }
 * }
 * }</pre>
 */
public interface CliCapability {

    /** Its name, e.g. {@code jobs}. */
    String name();

    /** Its top-level commands: picocli {@code @Command} classes with a no-argument constructor. */
    List<Class<?>> commands();
}
