package io.bulwark.pipeline.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.pipeline.Problem;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Reading helpers that record a problem instead of throwing, so that a document's problems are
 * all found in one pass. Each problem names the field's path and what is allowed.
 */
final class DocumentReader {

    private final List<Problem> problems = new ArrayList<>();

    List<Problem> problems() {
        return problems;
    }

    void add(String stepId, String field, String message) {
        problems.add(new Problem(stepId, field, message));
    }

    /** Records each field of {@code object} not in {@code allowed}. */
    void rejectUnknown(String stepId, String path, JsonNode object, Set<String> allowed) {
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!allowed.contains(name)) {
                add(stepId, join(path, name), "unknown field '" + name + "'; allowed: " + String.join(", ", new TreeSet<>(allowed)));
            }
        }
    }

    /** The string at {@code field}, or null (with a problem when present but not a string, or required and missing). */
    String text(String stepId, String path, JsonNode parent, String field, boolean required) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            if (required) {
                add(stepId, join(path, field), "is required");
            }
            return null;
        }
        if (!n.isTextual()) {
            add(stepId, join(path, field), "must be a string but was " + kind(n) + " " + n);
            return null;
        }
        return n.textValue();
    }

    /** The int at {@code field}, or null (with a problem when present but not an integer). */
    Integer integer(String stepId, String path, JsonNode parent, String field) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            add(stepId, join(path, field), "must be a whole number but was " + kind(n) + " " + n);
            return null;
        }
        return n.intValue();
    }

    /** The value {@code read} returns, or {@code orElse} with a problem at {@code field} when it throws IllegalArgumentException. */
    <T> T attempt(String stepId, String field, Supplier<T> read, T orElse) {
        try {
            return read.get();
        } catch (IllegalArgumentException e) {
            add(stepId, field, e.getMessage());
            return orElse;
        }
    }

    static String join(String path, String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    static String kind(JsonNode n) {
        return switch (n.getNodeType()) {
            case ARRAY -> "a list";
            case OBJECT -> "an object";
            case NUMBER -> "the number";
            case BOOLEAN -> "the boolean";
            case STRING -> "the string";
            default -> n.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }
}
