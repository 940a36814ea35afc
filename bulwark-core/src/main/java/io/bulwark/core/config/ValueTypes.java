package io.bulwark.core.config;

import io.bulwark.core.units.DataSize;
import io.bulwark.core.units.Durations;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/** The value types config keys use. Each factory validates its bounds at once. */
public final class ValueTypes {

    private ValueTypes() {
    }

    /** Any non-empty string. */
    public static ValueType<String> string() {
        return new ValueType<>() {
            @Override
            public String convert(Object raw) {
                String s = scalar(raw, "a string");
                if (s.isBlank()) {
                    throw new IllegalArgumentException("expected a non-empty string but was empty");
                }
                return s;
            }

            @Override
            public String describe() {
                return "a string";
            }
        };
    }

    /** An integer in {@code [min, max]}. */
    public static ValueType<Integer> integer(int min, int max) {
        if (min > max) {
            throw new IllegalArgumentException("min must be <= max but was " + min + " > " + max);
        }
        String describe = "an integer from " + min + " to " + max;
        return new ValueType<>() {
            @Override
            public Integer convert(Object raw) {
                long n;
                if (raw instanceof Integer || raw instanceof Long || raw instanceof Short) {
                    n = ((Number) raw).longValue();
                } else {
                    String s = scalar(raw, describe);
                    try {
                        n = Long.parseLong(s.trim());
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("expected " + describe + " but was '" + s + "'");
                    }
                }
                if (n < min || n > max) {
                    throw new IllegalArgumentException("expected " + describe + " but was " + n);
                }
                return (int) n;
            }

            @Override
            public String describe() {
                return describe;
            }
        };
    }

    /**
     * A finite number in {@code [min, max]}, written as a JSON or YAML number or as text
     * ({@code 2.5}, {@code 1e3}); a number past a bound, Infinity or NaN is refused.
     */
    public static ValueType<Double> decimal(double min, double max) {
        if (!(min <= max) || !Double.isFinite(min) || !Double.isFinite(max)) {
            throw new IllegalArgumentException("min must be <= max, both finite, but was " + min + " > " + max);
        }
        String describe = "a number from " + plain(min) + " to " + plain(max);
        return new ValueType<>() {
            @Override
            public Double convert(Object raw) {
                double d;
                if (raw instanceof Number n) {
                    d = n.doubleValue();
                } else {
                    String s = scalar(raw, describe);
                    try {
                        d = Double.parseDouble(s.trim());
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("expected " + describe + " but was '" + s + "'");
                    }
                }
                if (!(d >= min && d <= max)) {
                    throw new IllegalArgumentException("expected " + describe + " but was " + raw);
                }
                return d;
            }

            @Override
            public String describe() {
                return describe;
            }

            @Override
            public String render(Double value) {
                return plain(value);
            }
        };
    }

    /** {@code 1000000} rather than {@code 1.0E6}; {@code 2.5} as is. */
    private static String plain(double d) {
        return java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }

    /** {@code true} or {@code false}. */
    public static ValueType<Boolean> bool() {
        return new ValueType<>() {
            @Override
            public Boolean convert(Object raw) {
                if (raw instanceof Boolean b) {
                    return b;
                }
                String s = scalar(raw, "true or false").trim().toLowerCase(Locale.ROOT);
                return switch (s) {
                    case "true" -> true;
                    case "false" -> false;
                    default -> throw new IllegalArgumentException("expected true or false but was '" + raw + "'");
                };
            }

            @Override
            public String describe() {
                return "true or false";
            }
        };
    }

    /** A duration in {@code [min, max]}. */
    public static ValueType<Duration> duration(Duration min, Duration max) {
        String describe = Durations.ACCEPTED + ", from " + Durations.format(min) + " to " + Durations.format(max);
        return new ValueType<>() {
            @Override
            public Duration convert(Object raw) {
                String s = scalar(raw, Durations.ACCEPTED);
                Duration d = Durations.parse(s);
                if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                    throw new IllegalArgumentException("expected a duration from " + Durations.format(min)
                            + " to " + Durations.format(max) + " but was " + s);
                }
                return d;
            }

            @Override
            public String describe() {
                return describe;
            }

            @Override
            public String render(Duration value) {
                return Durations.format(value);
            }
        };
    }

    /** A size in {@code [min, max]}. */
    public static ValueType<DataSize> size(DataSize min, DataSize max) {
        String describe = DataSize.ACCEPTED + ", from " + min + " to " + max;
        return new ValueType<>() {
            @Override
            public DataSize convert(Object raw) {
                DataSize d = raw instanceof Integer || raw instanceof Long
                        ? DataSize.ofBytes(((Number) raw).longValue())
                        : DataSize.parse(scalar(raw, DataSize.ACCEPTED));
                if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                    throw new IllegalArgumentException("expected a size from " + min + " to " + max + " but was " + raw);
                }
                return d;
            }

            @Override
            public String describe() {
                return describe;
            }
        };
    }

    /** One of {@code allowed}, case-insensitively; the value is returned lower-case. */
    public static ValueType<String> oneOf(String... allowed) {
        List<String> values = List.of(allowed);
        String describe = "one of " + String.join(", ", values);
        return new ValueType<>() {
            @Override
            public String convert(Object raw) {
                String s = scalar(raw, describe).trim().toLowerCase(Locale.ROOT);
                if (!values.contains(s)) {
                    throw new IllegalArgumentException("expected " + describe + " but was '" + raw + "'");
                }
                return s;
            }

            @Override
            public String describe() {
                return describe;
            }
        };
    }

    /**
     * A feature flag: {@code true}, {@code false}, or a percentage from 0 to 100 of subjects for
     * which it is on. Represented as the percentage: true is 100, false is 0.
     */
    public static ValueType<Integer> featureFlag() {
        String describe = "true, false or a percentage from 0 to 100";
        return new ValueType<>() {
            @Override
            public Integer convert(Object raw) {
                if (raw instanceof Boolean b) {
                    return b ? 100 : 0;
                }
                String s = scalar(raw, describe).trim().toLowerCase(Locale.ROOT);
                if (s.equals("true")) {
                    return 100;
                }
                if (s.equals("false")) {
                    return 0;
                }
                String digits = s.endsWith("%") ? s.substring(0, s.length() - 1).trim() : s;
                try {
                    int pct = Integer.parseInt(digits);
                    if (pct >= 0 && pct <= 100) {
                        return pct;
                    }
                } catch (NumberFormatException e) {
                    // reported below
                }
                throw new IllegalArgumentException("expected " + describe + " but was '" + raw + "'");
            }

            @Override
            public String describe() {
                return describe;
            }

            @Override
            public String render(Integer value) {
                return value == 100 ? "true" : value == 0 ? "false" : value + "%";
            }
        };
    }

    /**
     * A secret: the value itself (best given through the environment), {@code file:/path} whose
     * content (trimmed) is the secret, {@code env:NAME}, or a reference to a secret store that a
     * {@link SecretResolver} on the class path reads, such as {@code vault:secret/llm#api_key} or
     * {@code aws-sm:prod/llm#api_key}, optionally with {@code ?ttl=1m} (see {@link SecretResolvers}).
     * {@code file:} and {@code env:} are read once; a store reference is read now and again after
     * its TTL. Anything else, {@code http://...} included, is the value itself.
     */
    public static ValueType<Secret> secret() {
        return secret(SecretResolvers::defaults);
    }

    /** {@link #secret()}, with store references read through {@code resolvers} (e.g. on a test clock). */
    public static ValueType<Secret> secret(SecretResolvers resolvers) {
        Objects.requireNonNull(resolvers, "resolvers");
        return secret(() -> resolvers);
    }

    private static ValueType<Secret> secret(Supplier<SecretResolvers> resolvers) {
        String describe = "a secret: the value, file:/path/to/file, env:VARIABLE or a secret store reference "
                + "(vault:mount/path#key, aws-sm:secret-id[#key])";
        return new ValueType<>() {
            @Override
            public Secret convert(Object raw) {
                String s = scalar(raw, describe);
                if (s.startsWith("file:")) {
                    Path path = Path.of(s.substring("file:".length()));
                    try {
                        String content = Files.readString(path, StandardCharsets.UTF_8).strip();
                        if (content.isEmpty()) {
                            throw new IllegalArgumentException("secret file " + path + " is empty");
                        }
                        return Secret.of(content);
                    } catch (IOException e) {
                        throw new IllegalArgumentException("cannot read secret file " + path + ": "
                                + e.getClass().getSimpleName());
                    }
                }
                if (s.startsWith("env:")) {
                    String name = s.substring("env:".length());
                    String value = System.getenv(name);
                    if (value == null || value.isEmpty()) {
                        throw new IllegalArgumentException("secret environment variable " + name + " is not set");
                    }
                    return Secret.of(value);
                }
                if (s.isEmpty()) {
                    throw new IllegalArgumentException("expected " + describe + " but was empty");
                }
                SecretResolvers stores = resolvers.get();
                if (stores.isReference(s)) {
                    return stores.resolve(s);
                }
                return Secret.of(s);
            }

            @Override
            public String describe() {
                return describe;
            }

            @Override
            public String render(Secret value) {
                return Secret.MASK;
            }
        };
    }

    private static String scalar(Object raw, String expected) {
        if (raw instanceof Map<?, ?>) {
            throw new IllegalArgumentException("expected " + expected + " but was a map");
        }
        if (raw instanceof List<?>) {
            throw new IllegalArgumentException("expected " + expected + " but was a list");
        }
        if (raw == null) {
            throw new IllegalArgumentException("expected " + expected + " but had no value");
        }
        return String.valueOf(raw);
    }
}
