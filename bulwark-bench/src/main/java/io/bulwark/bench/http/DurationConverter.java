package io.bulwark.bench.http;

import io.bulwark.core.units.Durations;
import picocli.CommandLine;

import java.time.Duration;

/** Reads {@code --duration 10s} the way every Bulwark surface reads durations ({@link Durations}). */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
