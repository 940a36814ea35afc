package io.bulwark.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.ConsoleAppender;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StartLoggingTest {

    @Test
    void warningsAndBulwarksInfoGoToStandardError() {
        LoggerContext context = new LoggerContext();
        StartLogging.apply(context);

        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("software.amazon.awssdk.auth").isInfoEnabled()).isFalse();
        assertThat(context.getLogger("io.bulwark.cli").isInfoEnabled()).isTrue();
        assertThat(context.getLogger("io.bulwark.cli").isDebugEnabled()).isFalse();
        assertThat(root.getAppender("stderr")).isInstanceOfSatisfying(ConsoleAppender.class, a -> {
            assertThat(a.getTarget()).isEqualTo("System.err");
            assertThat(a.isStarted()).isTrue();
        });
    }

    @Test
    void aConfigurationFileOnTheClassPathDecides(@TempDir Path dir) throws Exception {
        try (URLClassLoader none = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)) {
            assertThat(StartLogging.userFile(none)).isFalse();
        }
        Files.writeString(dir.resolve("logback.xml"), "<configuration/>");
        try (URLClassLoader withFile = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)) {
            assertThat(StartLogging.userFile(withFile)).isTrue();
        }
        // this module's tests have their own logback-test.xml, which therefore still configures them
        assertThat(StartLogging.userFile(StartLoggingTest.class.getClassLoader())).isTrue();
    }

    @Test
    void logbackFindsItAsAService() {
        assertThat(ServiceLoader.load(Configurator.class).stream().map(ServiceLoader.Provider::type))
                .contains(StartLogging.class);
    }
}
