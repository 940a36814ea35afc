package io.bulwark.jobs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HandlerPluginsTest {

    /** A plugin the test jar names in its service file. */
    public static final class GreetingPlugin implements HandlerPlugin {
        @Override
        public void register(Handlers handlers) {
            handlers.register("plugin.greet", java.util.Map.class, ctx -> "hello");
        }
    }

    @TempDir
    Path dir;

    private void jar(String name, String serviceLine) throws IOException {
        try (OutputStream out = Files.newOutputStream(dir.resolve(name)); JarOutputStream jar = new JarOutputStream(out)) {
            jar.putNextEntry(new JarEntry("META-INF/services/" + HandlerPlugin.class.getName()));
            jar.write((serviceLine + "\n").getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
        }
    }

    @Test
    void registersTheHandlersOfEveryPluginJarInTheDirectory() throws IOException {
        jar("greeting.jar", GreetingPlugin.class.getName());
        Files.writeString(dir.resolve("README.txt"), "not a jar");
        Handlers handlers = new Handlers();
        assertThat(HandlerPlugins.load(dir, handlers, getClass().getClassLoader())).containsExactly(GreetingPlugin.class.getName());
        assertThat(handlers.types()).contains("plugin.greet");
    }

    @Test
    void aMissingDirectoryLoadsNothingAndAPluginThatClashesStopsStartup() throws IOException {
        assertThat(HandlerPlugins.load(dir.resolve("none"), new Handlers(), getClass().getClassLoader())).isEmpty();
        jar("greeting.jar", GreetingPlugin.class.getName());
        Handlers handlers = new Handlers();
        handlers.register("plugin.greet", java.util.Map.class, ctx -> null);
        assertThatThrownBy(() -> HandlerPlugins.load(dir, handlers, getClass().getClassLoader()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(GreetingPlugin.class.getName())
                .hasMessageContaining("already registered");
    }
}
