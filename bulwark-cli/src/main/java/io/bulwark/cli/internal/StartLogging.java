package io.bulwark.cli.internal;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logging before the config is read, and for commands that never configure it: warnings (Bulwark's
 * own lines from {@code INFO}) to standard error, where they cannot mix with a command's output.
 * {@code serve} and {@code worker} replace this with {@code LogSetup} once the config is read.
 * Without it, Logback's default would print every library's debug lines, e.g. the AWS SDK's while
 * an {@code aws-sm:} secret is read during config loading.
 *
 * <p>Design notes. Logback finds this through its {@link Configurator} service before it looks for
 * a {@code logback.xml}; configured in code, a start skips Logback's XML configurator (a SAX parse
 * and its model), which took about a tenth of the main thread's start-up (decisions.md, "Start-up
 * logging in code"). A configuration file of the user's still wins: with
 * {@code -Dlogback.configurationFile} or a {@code logback.xml} / {@code logback-test.xml} on the
 * class path, this steps aside and Logback reads the file as usual.
 */
public final class StartLogging extends ContextAwareBase implements Configurator {

    static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX,UTC} %-5level %logger{30} - %msg%n";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (userFile(StartLogging.class.getClassLoader())) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        apply(context);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** Warnings, and Bulwark's own lines from {@code INFO}, to standard error. */
    static void apply(LoggerContext context) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("stderr");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(stderr);
        context.getLogger("io.bulwark").setLevel(Level.INFO);
    }

    /** True when a Logback configuration file is named or on the class path: it decides, not this. */
    static boolean userFile(ClassLoader loader) {
        return System.getProperty("logback.configurationFile") != null
                || loader.getResource("logback-test.xml") != null
                || loader.getResource("logback.xml") != null;
    }
}
