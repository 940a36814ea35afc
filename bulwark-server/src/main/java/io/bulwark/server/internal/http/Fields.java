package io.bulwark.server.internal.http;

import io.bulwark.core.config.ValueType;
import io.bulwark.server.http.FieldError;

import java.util.List;

/**
 * Checks one field of a request body with the {@link ValueType} its config key uses too
 * ({@code JobLimits}, {@code SpecRanges}), so that the API and the config loader accept the
 * same values and say the same thing about the others.
 */
public final class Fields {

    private Fields() {
    }

    /**
     * {@code value} as {@code type} reads it; null when {@code value} is null, or null with an
     * error on {@code field} naming the allowed range when it is outside it.
     */
    public static <T> T check(String field, ValueType<T> type, Object value, List<FieldError> errors) {
        if (value == null) {
            return null;
        }
        try {
            return type.convert(value);
        } catch (IllegalArgumentException e) {
            errors.add(new FieldError(field, e.getMessage()));
            return null;
        }
    }
}
