package io.bulwark.pipeline.internal;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code when} condition: exactly one {@code ${expr}} that yields {@code true} or {@code false}.
 */
public final class Condition {

    private static final Pattern ONE_EXPRESSION = Pattern.compile("\\s*\\$\\{(.*)}\\s*", Pattern.DOTALL);

    private final TemplateText text;

    private Condition(TemplateText text) {
        this.text = text;
    }

    /** Compiles {@code source}, found at {@code field}; on failure adds a problem and returns null. */
    public static Condition compile(String field, String source, List<TemplateProblem> problems) {
        Matcher m = ONE_EXPRESSION.matcher(source);
        String shape = "'" + source + "' must be one ${...} expression yielding true or false, such as"
                + " ${steps.extract.output.count > 0}";
        if (!m.matches()) {
            problems.add(new TemplateProblem(field, shape));
            return null;
        }
        try {
            Jexl.engine().createExpression(m.group(1));
        } catch (RuntimeException e) {
            problems.add(new TemplateProblem(field, shape + ": " + Jexl.describe(e)));
            return null;
        }
        TemplateText text = TemplateText.compile(field, source.strip(), problems);
        return text == null ? null : new Condition(text);
    }

    /** The variables the condition reads. */
    public List<Reference> references() {
        return text.references();
    }

    /**
     * Whether the condition holds.
     *
     * @throws TemplateException when it fails or yields something other than a boolean
     */
    public boolean test(TemplateContext context) {
        Object value = text.evaluate(context);
        if (value instanceof Boolean b) {
            return b;
        }
        throw new TemplateException(text.field(), text.source(), "must yield true or false but yielded "
                + (value == null ? "null" : JsonValues.toJson(value).toString()));
    }
}
