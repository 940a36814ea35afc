package io.bulwark.core.units;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A number of bytes, parsed from {@code 512}, {@code 64KiB}, {@code 1MiB}, {@code 2GiB} (powers of
 * 1024) or {@code 10KB}, {@code 5MB}, {@code 1GB} (powers of 1000).
 *
 * <pre>{@code
 * long limit = DataSize.parse("1MiB").bytes(); // 1048576
 * }</pre>
 *
 * @param bytes the size in bytes, never negative
 */
public record DataSize(long bytes) implements Comparable<DataSize> {

    /** The accepted forms, for error messages. */
    public static final String ACCEPTED = "a size such as 512, 64KiB, 1MiB, 2GiB, 10KB or 5MB";

    private static final Pattern FORM = Pattern.compile("(\\d+)\\s*(b|kb|kib|mb|mib|gb|gib|tb|tib)?");

    public DataSize {
        if (bytes < 0) {
            throw new IllegalArgumentException("a size must be >= 0 but was " + bytes);
        }
    }

    /** {@code n} bytes. */
    public static DataSize ofBytes(long n) {
        return new DataSize(n);
    }

    /** {@code n} × 1024 bytes. */
    public static DataSize ofKibibytes(long n) {
        return new DataSize(Math.multiplyExact(n, 1024L));
    }

    /** {@code n} × 1024² bytes. */
    public static DataSize ofMebibytes(long n) {
        return new DataSize(Math.multiplyExact(n, 1024L * 1024L));
    }

    /** {@code n} × 1024³ bytes. */
    public static DataSize ofGibibytes(long n) {
        return new DataSize(Math.multiplyExact(n, 1024L * 1024L * 1024L));
    }

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException naming the text and the accepted forms
     */
    public static DataSize parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("expected " + ACCEPTED + " but was empty");
        }
        Matcher m = FORM.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("expected " + ACCEPTED + " but was '" + text + "'");
        }
        try {
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "b" : m.group(2);
            long factor = switch (unit) {
                case "b" -> 1L;
                case "kb" -> 1000L;
                case "kib" -> 1024L;
                case "mb" -> 1000L * 1000L;
                case "mib" -> 1024L * 1024L;
                case "gb" -> 1000L * 1000L * 1000L;
                case "gib" -> 1024L * 1024L * 1024L;
                case "tb" -> 1000L * 1000L * 1000L * 1000L;
                case "tib" -> 1024L * 1024L * 1024L * 1024L;
                default -> throw new IllegalStateException("unreachable unit " + unit);
            };
            return new DataSize(Math.multiplyExact(n, factor));
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("size '" + text + "' is too large");
        }
    }

    @Override
    public int compareTo(DataSize o) {
        return Long.compare(bytes, o.bytes);
    }

    /** The largest binary unit that represents this size exactly: 1MiB, 64KiB, 1000. */
    @Override
    public String toString() {
        String[] units = {"TiB", "GiB", "MiB", "KiB"};
        long[] factors = {1L << 40, 1L << 30, 1L << 20, 1L << 10};
        for (int i = 0; i < units.length; i++) {
            if (bytes != 0 && bytes % factors[i] == 0) {
                return bytes / factors[i] + units[i];
            }
        }
        return Long.toString(bytes);
    }
}
