package io.bulwark.pipeline.internal;

import org.apache.commons.jexl3.JexlInfo;
import org.apache.commons.jexl3.JxltEngine;

import java.util.ArrayList;
import java.util.List;

/**
 * One string of a template: either plain text, or text with {@code ${expr}} parts compiled by
 * JEXL's template engine. A string that is exactly one {@code ${expr}} yields the expression's
 * value with its type (a number, a list, an object); anything else yields a string.
 * {@code \${} writes a literal {@code ${}.
 */
final class TemplateText {

    private final String field;
    private final String source;
    private final JxltEngine.Expression expression;

    private TemplateText(String field, String source, JxltEngine.Expression expression) {
        this.field = field;
        this.source = source;
        this.expression = expression;
    }

    /** True when {@code text} holds an expression (or an escaped one) and so must be compiled. */
    static boolean isTemplate(String text) {
        return text.contains("${");
    }

    /** Compiles {@code text}; on failure adds a problem and returns null. */
    static TemplateText compile(String field, String text, List<TemplateProblem> problems) {
        try {
            JxltEngine.Expression e = Jexl.templates().createExpression(new JexlInfo(field, 1, 1), text);
            if (e.isDeferred()) {
                problems.add(new TemplateProblem(field, "'" + text + "' uses #{...}, which templates do not evaluate;"
                        + " write ${...}, or \\#{ for a literal #{"));
                return null;
            }
            return new TemplateText(field, text, e);
        } catch (RuntimeException e) {
            problems.add(new TemplateProblem(field, "'" + text + "' is not a valid template: " + Jexl.describe(e)));
            return null;
        }
    }

    /** The variables the text reads. */
    List<Reference> references() {
        List<Reference> refs = new ArrayList<>();
        for (List<String> path : expression.getVariables()) {
            refs.add(new Reference(field, source, List.copyOf(path)));
        }
        return refs;
    }

    /** The value, typed when the text is one expression. */
    Object evaluate(TemplateContext context) {
        try {
            return expression.evaluate(context.jexl());
        } catch (RuntimeException e) {
            throw new TemplateException(field, source, Jexl.describe(e));
        }
    }

    String field() {
        return field;
    }

    String source() {
        return source;
    }
}
