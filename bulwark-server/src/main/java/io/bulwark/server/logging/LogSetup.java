package io.bulwark.server.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import net.logstash.logback.encoder.LogstashEncoder;
import org.slf4j.LoggerFactory;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Locale;

/**
 * Configures Logback from Bulwark's config rather than from a logback.xml, so that
 * {@code log.format} and {@code log.level} follow the usual precedence (file, env, flags).
 * Every line passes through a {@link Redactor}, whatever its level, logger or format.
 */
public final class LogSetup {

    private static final String REDACTING_ENCODER = "bulwark.redactingEncoder";
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
        configure(format, level, null);
    }

    /**
     * Sends logs to {@code out} instead of standard output (for tests and embedders), else as
     * {@link #configure(String, String)}.
     *
     * @param out where log lines go; standard output when null
     */
    public static void configure(String format, String level, OutputStream out) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return; // another SLF4J binding is in charge: leave it alone
        }
        context.reset();
        RedactingEncoder encoder = new RedactingEncoder("json".equals(format) ? json(context) : text(context));
        encoder.setContext(context);
        encoder.start();
        context.putObject(REDACTING_ENCODER, encoder);
        OutputStreamAppender<ILoggingEvent> console;
        if (out == null) {
            console = new ConsoleAppender<>();
        } else {
            console = new OutputStreamAppender<>();
            console.setOutputStream(out);
        }
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

    /**
     * Redacts, besides the standard credential headers and API keys, the values of these headers
     * and these secrets from every log line. Does nothing when {@link #configure} has not run
     * (another logging setup is in charge).
     */
    public static void redact(Collection<String> headers, Collection<String> secrets) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context
                && context.getObject(REDACTING_ENCODER) instanceof RedactingEncoder encoder) {
            encoder.redactor(encoder.redactor().with(headers, secrets));
        }
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
        encoder.setCharset(StandardCharsets.UTF_8);
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
