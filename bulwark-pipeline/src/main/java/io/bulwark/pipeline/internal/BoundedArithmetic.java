package io.bulwark.pipeline.internal;

import org.apache.commons.jexl3.JexlArithmetic;

import java.math.MathContext;
import java.util.regex.Pattern;

/**
 * JEXL's arithmetic with one change: a regular expression match ({@code =~}, {@code !~}) gives up
 * after {@value #MAX_STEPS} steps of the matcher instead of running as long as the pattern asks.
 *
 * <p>Design notes. The text a template matches may come from outside: a step's output is what an
 * HTTP endpoint answered. JDK 25's engine no longer explodes on the classic nested repetitions
 * ({@code (a+)+$}), but repeated wildcards still cost a power of the text's length:
 * {@code (.*a){6}b} takes a second on 60 {@code a}s and hours on 200, on the thread that advances
 * the run. Java's regex engine has no time limit, so the text is handed to it as a {@link CharSequence} that counts the
 * characters the matcher reads and throws past the budget: deterministic (no clock), and far
 * above what any sane pattern needs (a linear match reads each character a few times; ten million
 * reads is a 100 KB text matched a hundred times over). The template then fails with a message
 * naming the limit, as any other template error does.
 */
public final class BoundedArithmetic extends JexlArithmetic {

    /** The most characters one match may read. */
    static final long MAX_STEPS = 10_000_000L;

    public BoundedArithmetic(boolean strict) {
        super(strict);
    }

    /** The constructor JEXL calls, by reflection, when it derives an arithmetic with other options. */
    public BoundedArithmetic(boolean strict, MathContext context, int scale) {
        super(strict, context, scale);
    }

    @Override
    public Boolean contains(Object container, Object value) {
        if (value != null && (container instanceof Pattern || container instanceof CharSequence)) {
            Pattern pattern = container instanceof Pattern p ? p : Pattern.compile(container.toString());
            return pattern.matcher(new Budgeted(value.toString())).matches();
        }
        return super.contains(container, value);
    }

    /** A string that lets {@link #MAX_STEPS} characters be read from it, in all, then throws. */
    private static final class Budgeted implements CharSequence {
        private final String text;
        private final long[] left;

        Budgeted(String text) {
            this(text, new long[]{MAX_STEPS});
        }

        private Budgeted(String text, long[] left) {
            this.text = text;
            this.left = left;
        }

        @Override
        public char charAt(int index) {
            if (--left[0] < 0) {
                throw new ArithmeticException("the regular expression gave up after reading " + MAX_STEPS
                        + " characters of a " + text.length() + "-character text; it backtracks too much: make its "
                        + "repetitions unambiguous, e.g. .*a.*b as [^a]*a[^b]*b");
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new Budgeted(text.substring(start, end), left);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
