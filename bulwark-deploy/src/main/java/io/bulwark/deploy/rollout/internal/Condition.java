package io.bulwark.deploy.rollout.internal;

import io.bulwark.deploy.rollout.MetricSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.jexl3.JexlBuilder;
import org.apache.commons.jexl3.JexlContext;
import org.apache.commons.jexl3.JexlEngine;
import org.apache.commons.jexl3.JexlException;
import org.apache.commons.jexl3.JexlExpression;
import org.apache.commons.jexl3.MapContext;
import org.apache.commons.jexl3.introspection.JexlPermissions;

/**
 * A {@code successCondition} or {@code failureCondition}: a JEXL expression over {@code result}
 * (a number for a scalar measurement, a list of numbers for a vector), with Argo's helper
 * functions {@code len(x)}, {@code isNaN(x)}, {@code isInf(x)}, {@code asInt(x)}, {@code asFloat(x)}.
 *
 * <p>Sandboxed: JEXL's {@link JexlPermissions#RESTRICTED} permissions (no reflection, I/O,
 * class loading, processes or threads), no {@code new}, no loops, no side effects, and strict
 * mode so an unknown variable is an error rather than null.
 */
public final class Condition {

    private static final JexlEngine JEXL = new JexlBuilder()
            .permissions(JexlPermissions.RESTRICTED.compose("io.bulwark.deploy.rollout.internal.*"))
            .namespaces(functions())
            .features(new org.apache.commons.jexl3.JexlFeatures()
                    .newInstance(false).loops(false).sideEffect(false).sideEffectGlobal(false)
                    .lambda(false).methodCall(true).script(false).importPragma(false).namespacePragma(false))
            .arithmetic(new IeeeArithmetic())
            .strict(true)
            .safe(false)
            .silent(false)
            .cache(256)
            .create();

    private final String text;
    private final JexlExpression expression;

    private Condition(String text, JexlExpression expression) {
        this.text = text;
        this.expression = expression;
    }

    /**
     * Compiles {@code text}.
     *
     * @throws IllegalArgumentException saying where the syntax is wrong
     */
    public static Condition compile(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("must be an expression over result, e.g. result < 0.05, but was empty");
        }
        try {
            return new Condition(text, JEXL.createExpression(text));
        } catch (JexlException e) {
            throw new IllegalArgumentException("'" + text + "' is not a valid expression: " + clean(e)
                    + " (use e.g. result[0] >= 0.95, result < 0.05, len(result) == 0, isNaN(result), && and ||)");
        }
    }

    /**
     * Evaluates the condition against a measurement.
     *
     * @throws IllegalArgumentException when it cannot be evaluated or does not give a boolean
     *                                  (Argo counts this as an error measurement)
     */
    public boolean test(MetricSource.Value value) {
        JexlContext context = new MapContext();
        context.set("result", value.scalar() ? (Object) value.values().getFirst() : value.values());
        Object out;
        try {
            out = expression.evaluate(context);
        } catch (JexlException | ArithmeticException e) {
            throw new IllegalArgumentException("could not evaluate '" + text + "' with result "
                    + show(value) + ": " + clean(e));
        }
        if (out instanceof Boolean b) {
            return b;
        }
        throw new IllegalArgumentException("'" + text + "' gave " + out + " with result " + show(value)
                + ", expected true or false");
    }

    /** The expression as written. */
    public String text() {
        return text;
    }

    private static String show(MetricSource.Value value) {
        return value.scalar() ? String.valueOf(value.values().getFirst()) : String.valueOf(value.values());
    }

    private static String clean(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int at = m.indexOf("@");
        // JEXL prefixes messages with the internal method and position; keep the position and reason.
        return m.substring(Math.max(0, m.lastIndexOf(' ', Math.max(0, at)))).trim();
    }

    private static Map<String, Object> functions() {
        Map<String, Object> ns = new HashMap<>();
        ns.put(null, Functions.class);
        return ns;
    }

    /**
     * JEXL compares doubles with {@code Double.compare}, which orders NaN above everything; Argo's
     * expressions (Go) follow IEEE 754, where every ordering comparison with NaN is false. A
     * Prometheus ratio over zero requests is NaN, so this matters: {@code result >= 0.95} must
     * not pass on no traffic.
     */
    static final class IeeeArithmetic extends org.apache.commons.jexl3.JexlArithmetic {
        IeeeArithmetic() {
            super(true);
        }

        private static boolean nan(Object l, Object r) {
            return l instanceof Double a && a.isNaN() || r instanceof Double b && b.isNaN()
                    || l instanceof Float c && c.isNaN() || r instanceof Float d && d.isNaN();
        }

        @Override
        public boolean lessThan(Object left, Object right) {
            return !nan(left, right) && super.lessThan(left, right);
        }

        @Override
        public boolean greaterThan(Object left, Object right) {
            return !nan(left, right) && super.greaterThan(left, right);
        }

        @Override
        public boolean lessThanOrEqual(Object left, Object right) {
            return !nan(left, right) && super.lessThanOrEqual(left, right);
        }

        @Override
        public boolean greaterThanOrEqual(Object left, Object right) {
            return !nan(left, right) && super.greaterThanOrEqual(left, right);
        }

        @Override
        public boolean equals(Object left, Object right) {
            return !nan(left, right) && super.equals(left, right);
        }
    }

    /** The functions conditions may call, as in Argo Rollouts' expression environment. */
    public static final class Functions {
        private Functions() {
        }

        public static int len(Object value) {
            if (value instanceof List<?> list) {
                return list.size();
            }
            if (value instanceof CharSequence s) {
                return s.length();
            }
            throw new IllegalArgumentException("len() needs a list but was " + value);
        }

        public static boolean isNaN(Object value) {
            return toDouble(value, "isNaN").isNaN();
        }

        public static boolean isInf(Object value) {
            return toDouble(value, "isInf").isInfinite();
        }

        public static long asInt(Object value) {
            return toDouble(value, "asInt").longValue();
        }

        public static double asFloat(Object value) {
            return toDouble(value, "asFloat");
        }

        private static Double toDouble(Object value, String function) {
            if (value instanceof Number n) {
                return n.doubleValue();
            }
            if (value instanceof String s) {
                try {
                    return Double.parseDouble(s);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(function + "() needs a number but was '" + s + "'");
                }
            }
            throw new IllegalArgumentException(function + "() needs a number but was " + value);
        }
    }
}
