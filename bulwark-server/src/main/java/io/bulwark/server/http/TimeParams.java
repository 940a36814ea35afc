package io.bulwark.server.http;

import io.bulwark.core.units.Durations;
import io.javalin.http.Context;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Query parameters naming a moment: an ISO-8601 instant ({@code 2026-12-05T10:00:00Z}) or a
 * duration meaning that long ago ({@code 15m}, {@code 2h}, {@code 7d}).
 */
public final class TimeParams {

    /** What the parameters accept, for route docs and messages. */
    public static final String ACCEPTED = "an ISO-8601 instant such as 2026-12-05T10:00:00Z, or a duration meaning "
            + "that long ago such as 15m, 2h or 7d";

    private TimeParams() {
    }

    /**
     * The moment {@code name} names, if set, with durations counted back from {@code now}.
     *
     * @throws ApiException 400 naming the parameter when it is neither
     */
    public static Optional<Instant> instant(Context ctx, String name, Supplier<Instant> now) {
        String text = ctx.queryParam(name);
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        String t = text.trim();
        try {
            return Optional.of(Instant.parse(t));
        } catch (DateTimeParseException notAnInstant) {
            try {
                Duration ago = Durations.parse(t);
                if (!ago.isNegative()) {
                    return Optional.of(now.get().minus(ago));
                }
            } catch (IllegalArgumentException | ArithmeticException notADuration) {
                // reported below
            }
        }
        throw ApiException.validation("invalid query parameter", List.of(new FieldError(name,
                "must be " + ACCEPTED + " but was '" + text + "'")));
    }
}
