package io.bulwark.server.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import net.logstash.logback.encoder.LogstashEncoder;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/**
 * Configures Logback from Bulwark's config rather than from a logback.xml, so that
 * {@code log.format} and {@code log.level} follow the usual precedence (file, env, flags).
 */
public final class LogSetup {

    private static final String TEXT_PATTERN =
            "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX,UTC} %-5level [%X{requestId:-}] %logger{30} - %msg%n";

    private LogSetup() {
    }

    /**
     * Sends logs to standard output.
     *
     * @param format {@code text} or {@code json}
     * @param level Bulwark's own level: trace, debug, info, warn or error
     */
    public static void configure(String format, String level) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return; // another SLF4J binding is in charge: leave it alone
        }
        context.reset();
        Encoder<ILoggingEvent> encoder = "json".equals(format) ? json(context) : text(context);
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("console");
        console.setEncoder(encoder);
        console.start();

        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(console);
        context.getLogger("io.bulwark").setLevel(Level.toLevel(level.toUpperCase(Locale.ROOT), Level.INFO));
        context.getLogger("io.javalin").setLevel(Level.WARN);
        context.getLogger("org.eclipse.jetty").setLevel(Level.WARN);
    }

    /** Changes the level of one logger at run time; returns the previous effective level. */
    public static String setLevel(String loggerName, String level) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            throw new IllegalStateException("logging is not handled by Logback");
        }
        Logger logger = context.getLogger(loggerName);
        String previous = logger.getEffectiveLevel().toString().toLowerCase(Locale.ROOT);
        logger.setLevel(Level.toLevel(level.toUpperCase(Locale.ROOT)));
        return previous;
    }

    /** The effective level of a logger, lower-case. */
    public static String level(String loggerName) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return "unknown";
        }
        return context.getLogger(loggerName).getEffectiveLevel().toString().toLowerCase(Locale.ROOT);
    }

    private static Encoder<ILoggingEvent> text(LoggerContext context) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(TEXT_PATTERN);
        encoder.start();
        return encoder;
    }

    /** One JSON object per line: ISO-8601 UTC {@code @timestamp}, level, logger, message, MDC fields. */
    private static Encoder<ILoggingEvent> json(LoggerContext context) {
        LogstashEncoder encoder = new LogstashEncoder();
        encoder.setContext(context);
        encoder.setTimeZone("UTC");
        encoder.setIncludeContext(false);
        encoder.start();
        return encoder;
    }
}
