package io.bulwark.jobs;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Stream;

/** Loads {@link HandlerPlugin}s from the jars in a directory. */
public final class HandlerPlugins {

    private static final Logger LOG = LoggerFactory.getLogger(HandlerPlugins.class);

    private HandlerPlugins() {
    }

    /**
     * Loads every plugin in the jars of {@code dir} (none when it does not exist) and registers
     * their handlers.
     *
     * @return the plugin class names loaded
     * @throws IllegalStateException naming the plugin when one fails (a duplicate type, say): a
     *         server must not start with half its handlers
     */
    public static List<String> load(Path dir, Handlers handlers, ClassLoader parent) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<URL> jars = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".jar")).sorted().toList()) {
                jars.add(p.toUri().toURL());
            }
        } catch (MalformedURLException e) {
            throw new IllegalStateException("cannot read plugin jar: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list plugins in " + dir + ": " + e.getMessage(), e);
        }
        if (jars.isEmpty()) {
            return List.of();
        }
        URLClassLoader loader = new URLClassLoader("bulwark-plugins", jars.toArray(URL[]::new), parent);
        List<String> loaded = new ArrayList<>();
        for (ServiceLoader.Provider<HandlerPlugin> provider : ServiceLoader.load(HandlerPlugin.class, loader).stream().toList()) {
            String name = provider.type().getName();
            try {
                provider.get().register(handlers);
            } catch (RuntimeException e) {
                throw new IllegalStateException("handler plugin " + name + " from " + dir + " failed to register: "
                        + e.getMessage(), e);
            }
            loaded.add(name);
            LOG.info("Loaded handler plugin {} from {}", name, dir);
        }
        return loaded;
    }
}
