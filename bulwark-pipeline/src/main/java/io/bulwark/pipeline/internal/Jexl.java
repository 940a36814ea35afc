package io.bulwark.pipeline.internal;

import org.apache.commons.jexl3.JexlBuilder;
import org.apache.commons.jexl3.JexlEngine;
import org.apache.commons.jexl3.JexlException;
import org.apache.commons.jexl3.JexlFeatures;
import org.apache.commons.jexl3.JxltEngine;
import org.apache.commons.jexl3.introspection.JexlPermissions;
import org.apache.commons.jexl3.introspection.JexlSandbox;

import java.util.Map;
import java.util.List;

/**
 * The one JEXL engine templates are compiled with, and the wording of its errors.
 *
 * <p>Design notes. Templates come from users, so the engine is closed three ways: the
 * {@linkplain JexlFeatures features} allow expressions only (no loops, assignments, side effects,
 * lambdas, {@code new}, pragmas, annotations or method calls); a {@link JexlSandbox} that denies
 * every class but {@link Map} and {@link List} (the shapes JSON values are exposed as) so that no
 * property reaches a Java object ({@code ''.class} is undefined); and
 * {@link JexlPermissions#RESTRICTED} underneath. What remains is JSON navigation
 * ({@code steps.a.output.rows[0]}, {@code input['x-y']}), arithmetic, comparison, logic,
 * {@code ?:}, {@code ??}, {@code =~}, and the functions {@code size()} and {@code empty()}.
 * The engine is strict: an undefined variable or a property of null is an error, not a silent null.
 * A regular expression match gives up after a bounded number of steps ({@link BoundedArithmetic}),
 * since the text it matches may be a step's output, from outside.
 * JEXL engines are thread-safe and cache parsed expressions.
 */
public final class Jexl {

    private static final JexlEngine ENGINE = newEngine();
    private static final JxltEngine TEMPLATES = ENGINE.createJxltEngine(false);

    private Jexl() {
    }

    /** The expression engine. */
    public static JexlEngine engine() {
        return ENGINE;
    }

    /** The template engine over {@link #engine()}: {@code ${expr}} in text. */
    public static JxltEngine templates() {
        return TEMPLATES;
    }

    private static JexlEngine newEngine() {
        JexlFeatures features = JexlFeatures.createDefault()
                .loops(false)
                .sideEffect(false)
                .sideEffectGlobal(false)
                .newInstance(false)
                .lambda(false)
                .pragma(false)
                .importPragma(false)
                .annotation(false)
                .script(false)
                .methodCall(false);
        JexlSandbox sandbox = new JexlSandbox(false, true);
        sandbox.allow(Map.class.getName());
        sandbox.allow(List.class.getName());
        return new JexlBuilder()
                .features(features)
                .permissions(JexlPermissions.RESTRICTED)
                .sandbox(sandbox)
                .arithmetic(new BoundedArithmetic(true))
                .strict(true)
                .safe(false)
                .silent(false)
                .antish(false)
                .cache(1024)
                .create();
    }

    /**
     * What went wrong, in words a template author can act on: the innermost JEXL error without the
     * engine's location prefix, and the cause's message for arithmetic and index errors.
     */
    public static String describe(Throwable error) {
        Throwable t = error;
        JexlException innermost = null;
        while (t != null) {
            if (t instanceof JexlException je && !(t instanceof JxltEngine.Exception)) {
                innermost = je;
            }
            if (t.getCause() == t) {
                break;
            }
            t = t.getCause();
        }
        if (innermost == null) {
            return String.valueOf(error.getMessage());
        }
        String detail = innermost.getDetail();
        if (innermost instanceof JexlException.Variable) {
            return "variable '" + detail + "' is undefined";
        }
        if (innermost instanceof JexlException.Property) {
            String property = detail.startsWith(".") ? detail.substring(1) : detail;
            Throwable cause = innermost.getCause();
            return "'" + property + "' is undefined or null" + (cause != null && cause.getMessage() != null
                    ? " (" + cause.getMessage() + ")" : "");
        }
        if (innermost instanceof JexlException.Parsing || innermost instanceof JexlException.Tokenization) {
            return "syntax error at '" + detail + "'";
        }
        if (innermost instanceof JexlException.Feature) {
            return "not allowed in a template: " + detail;
        }
        Throwable cause = innermost.getCause();
        if (cause != null && !(cause instanceof JexlException) && cause.getMessage() != null) {
            return cause.getClass().getSimpleName().replace("Exception", "").toLowerCase(java.util.Locale.ROOT)
                    + " error: " + cause.getMessage();
        }
        return detail;
    }
}
