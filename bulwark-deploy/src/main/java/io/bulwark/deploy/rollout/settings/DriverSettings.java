package io.bulwark.deploy.rollout.settings;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code driver} section of a rollout definition as a driver's factory reads it: typed getters
 * whose errors name the setting as the user wrote it ({@code driver.<name>}) and what is allowed,
 * and a check that refuses settings the driver does not know (unknown keys are errors, as
 * everywhere in Bulwark).
 *
 * <pre>{@code
 * DriverSettings s = DriverSettings.of("nginx", settings, Set.of("config", "upstream", "stable", "canary", "reload"));
 * Path config = Path.of(s.requireString("config"));
 * }</pre>
 */
public final class DriverSettings {

    private final String type;
    private final Map<String, Object> values;

    private DriverSettings(String type, Map<String, Object> values) {
        this.type = type;
        this.values = values;
    }

    /**
     * Wraps {@code settings} for a driver of {@code type}, refusing keys outside {@code known}
     * ({@code type} itself is always allowed, a definition may pass the whole section).
     *
     * @throws IllegalArgumentException naming the first unknown setting and the known ones
     */
    public static DriverSettings of(String type, Map<String, Object> settings, Set<String> known) {
        Objects.requireNonNull(settings, "driver settings");
        for (String key : settings.keySet()) {
            if (!"type".equals(key) && !known.contains(key)) {
                throw new IllegalArgumentException("driver." + key + " is not a setting of the " + type
                        + " driver; its settings are " + String.join(", ", new TreeSet<>(known)));
            }
        }
        return new DriverSettings(type, settings);
    }

    /** Whether the setting is present (and not null). */
    public boolean has(String name) {
        return values.get(name) != null;
    }

    /** A required text setting, not blank. */
    public String requireString(String name) {
        return optionalString(name).orElseThrow(() -> new IllegalArgumentException(
                "driver." + name + " is required by the " + type + " driver"));
    }

    /** An optional text setting; blank is refused as a likely mistake. */
    public Optional<String> optionalString(String name) {
        Object v = values.get(name);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof String || v instanceof Number || v instanceof Boolean)) {
            throw new IllegalArgumentException("driver." + name + " must be text but was " + v);
        }
        String s = v.toString().trim();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("driver." + name + " must not be blank");
        }
        return Optional.of(s);
    }

    /** A setting written as one text or a list of texts; required, not empty, no duplicates. */
    public List<String> requireList(String name) {
        Object v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("driver." + name + " is required by the " + type + " driver");
        }
        List<String> out = new ArrayList<>();
        if (v instanceof List<?> list) {
            for (Object o : list) {
                if (o == null || o.toString().isBlank()) {
                    throw new IllegalArgumentException("driver." + name + " must not hold blank entries but was " + list);
                }
                out.add(o.toString().trim());
            }
        } else {
            out.add(requireString(name));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("driver." + name + " must name at least one entry");
        }
        if (new LinkedHashSet<>(out).size() != out.size()) {
            throw new IllegalArgumentException("driver." + name + " must not repeat an entry but was " + out);
        }
        return List.copyOf(out);
    }

    /** A command: one text split on whitespace (no shell), or a list of arguments. */
    public Optional<List<String>> optionalCommand(String name) {
        Object v = values.get(name);
        if (v == null) {
            return Optional.empty();
        }
        List<String> args = v instanceof List<?> ? requireList(name) : List.of(requireString(name).split("\\s+"));
        return Optional.of(args);
    }

    /** An optional whole number within {@code [min, max]}. */
    public Optional<Integer> optionalInt(String name, int min, int max) {
        Object v = values.get(name);
        if (v == null) {
            return Optional.empty();
        }
        int n;
        try {
            n = v instanceof Number num && num.doubleValue() == Math.rint(num.doubleValue())
                    ? Math.toIntExact(num.longValue()) : Integer.parseInt(v.toString().trim());
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("driver." + name + " must be a whole number from " + min + " to " + max
                    + " but was " + v);
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException("driver." + name + " must be from " + min + " to " + max + " but was " + n);
        }
        return Optional.of(n);
    }

    /** An optional true/false setting. */
    public Optional<Boolean> optionalBoolean(String name) {
        Object v = values.get(name);
        if (v == null) {
            return Optional.empty();
        }
        if (v instanceof Boolean b) {
            return Optional.of(b);
        }
        String s = v.toString().trim();
        if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
            return Optional.of(Boolean.parseBoolean(s));
        }
        throw new IllegalArgumentException("driver." + name + " must be true or false but was " + v);
    }

    /** The settings present among {@code names}, in that order. */
    public List<String> present(Set<String> names) {
        return names.stream().filter(this::has).sorted().toList();
    }

    /** Checks a traffic weight: 0 to 100. */
    public static int checkWeight(int weight) {
        if (weight < 0 || weight > 100) {
            throw new IllegalArgumentException("weight must be from 0 to 100 but was " + weight);
        }
        return weight;
    }
}
