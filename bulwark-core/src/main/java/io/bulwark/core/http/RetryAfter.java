package io.bulwark.core.http;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Reads an HTTP {@code Retry-After} header (RFC 9110 §10.2.3): delay-seconds or an HTTP date.
 * Used wherever Bulwark honours a provider's request to wait: the {@code http} job type and
 * the retry policy of provider calls.
 */
public final class RetryAfter {

    private RetryAfter() {
    }

    /**
     * The delay a {@code Retry-After} value asks for, measured from {@code clock}'s now; empty
     * when absent or unreadable; zero for a date in the past.
     *
     * <pre>{@code
     * Optional<Duration> wait = RetryAfter.parse(response.headers().firstValue("Retry-After").orElse(null), clock);
     * }</pre>
     */
    public static Optional<Duration> parse(String header, InstantSource clock) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        String v = header.trim();
        try {
            long seconds = Long.parseLong(v);
            return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
        } catch (NumberFormatException e) {
            try {
                Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration d = Duration.between(clock.instant(), at);
                return Optional.of(d.isNegative() ? Duration.ZERO : d);
            } catch (DateTimeParseException e2) {
                return Optional.empty();
            }
        }
    }

    /** {@code wanted} capped at {@code max}. */
    public static Duration capped(Duration wanted, Duration max) {
        return wanted.compareTo(max) > 0 ? max : wanted;
    }
}
