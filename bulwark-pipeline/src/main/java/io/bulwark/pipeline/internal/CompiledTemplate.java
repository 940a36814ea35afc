package io.bulwark.pipeline.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JSON template compiled once: every string holding {@code ${...}} is parsed when the
 * definition is validated, and {@link #evaluate} only runs what was parsed. Object keys are
 * literal.
 */
public final class CompiledTemplate {

    private final JsonNode template;
    private final Map<String, TemplateText> texts;

    private CompiledTemplate(JsonNode template, Map<String, TemplateText> texts) {
        this.template = template;
        this.texts = texts;
    }

    /**
     * Compiles {@code template}, found at {@code field}; each string that does not compile adds a
     * problem naming its path (and then evaluating it fails).
     */
    public static CompiledTemplate compile(String field, JsonNode template, List<TemplateProblem> problems) {
        Map<String, TemplateText> texts = new LinkedHashMap<>();
        if (template != null) {
            collect(field, template, texts, problems);
        }
        return new CompiledTemplate(template, texts);
    }

    private static void collect(String path, JsonNode node, Map<String, TemplateText> texts, List<TemplateProblem> problems) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                collect(path + "." + e.getKey(), e.getValue(), texts, problems);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collect(path + "[" + i + "]", node.get(i), texts, problems);
            }
        } else if (node.isTextual() && TemplateText.isTemplate(node.textValue())) {
            TemplateText text = TemplateText.compile(path, node.textValue(), problems);
            if (text != null) {
                texts.put(path, text);
            }
        }
    }

    /** Every variable the template reads. */
    public List<Reference> references() {
        List<Reference> refs = new ArrayList<>();
        texts.values().forEach(t -> refs.addAll(t.references()));
        return refs;
    }

    /**
     * The template with every expression replaced by its value; a null template yields an empty object.
     *
     * @throws TemplateException naming the field, the expression and what was wrong
     */
    public JsonNode evaluate(String field, TemplateContext context) {
        if (template == null) {
            return JsonNodeFactory.instance.objectNode();
        }
        return evaluate(field, template, context);
    }

    private JsonNode evaluate(String path, JsonNode node, TemplateContext context) {
        if (node.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                out.set(e.getKey(), evaluate(path + "." + e.getKey(), e.getValue(), context));
            }
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            for (int i = 0; i < node.size(); i++) {
                out.add(evaluate(path + "[" + i + "]", node.get(i), context));
            }
            return out;
        }
        if (node.isTextual() && TemplateText.isTemplate(node.textValue())) {
            TemplateText text = texts.get(path);
            if (text == null) {
                throw new TemplateException(path, node.textValue(), "the template did not compile");
            }
            Object value = text.evaluate(context);
            try {
                return JsonValues.toJson(value);
            } catch (IllegalArgumentException e) {
                throw new TemplateException(path, text.source(), e.getMessage());
            }
        }
        return node;
    }
}
