package io.bulwark.test.cluster.contention;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one {@link LockContentionChild} reported on its {@code done} line.
 *
 * @param increments writes the counter accepted
 * @param refused writes the counter refused as stale
 * @param unavailable takes that gave up after their wait (and were tried again)
 */
public record ContentionResult(long increments, long refused, long unavailable) {

    private static final Pattern DONE = Pattern.compile("done increments=(\\d+) refused=(\\d+) unavailable=(\\d+)");

    /** The result on {@code line}, a {@code done ...} line. */
    public static ContentionResult parse(String line) {
        Matcher m = DONE.matcher(line);
        if (!m.matches()) {
            throw new IllegalArgumentException("expected 'done increments=I refused=R unavailable=U' but was '" + line + "'");
        }
        return new ContentionResult(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)));
    }

    /** The sum of two results. */
    public ContentionResult plus(ContentionResult other) {
        return new ContentionResult(increments + other.increments, refused + other.refused, unavailable + other.unavailable);
    }
}
