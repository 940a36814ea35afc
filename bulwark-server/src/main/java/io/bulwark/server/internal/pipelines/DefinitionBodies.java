package io.bulwark.server.internal.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.bulwark.core.json.Json;
import io.bulwark.pipeline.PipelineDefinitions;
import io.bulwark.pipeline.PipelineFormat;
import io.bulwark.pipeline.Pipelines;
import io.bulwark.pipeline.Problem;
import io.bulwark.pipeline.StepTypes;
import io.bulwark.server.http.ApiException;
import io.bulwark.server.http.JsonBodies;
import io.javalin.http.Context;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A pipeline definition sent as a request body, in JSON or YAML (by its Content-Type), and every
 * problem it has: those {@link PipelineDefinitions#check} finds (syntax, shape, meaning) and the
 * built-in step types this release cannot run, all in one list.
 */
final class DefinitionBodies {

    private static final YAMLMapper YAML = new YAMLMapper();

    /** A definition's text and format. */
    record Document(String text, PipelineFormat format) {
    }

    private DefinitionBodies() {
    }

    /**
     * Reads the body: YAML with {@code Content-Type: application/yaml} (or {@code application/x-yaml},
     * {@code text/yaml}), else JSON ({@code application/json} or {@code application/*+json}).
     *
     * @throws ApiException 413 over {@code limit}, 400 empty or not UTF-8, 415 another content type
     */
    static Document read(Context ctx, long limit) {
        byte[] bytes = JsonBodies.readBounded(ctx, limit);
        if (bytes.length == 0) {
            throw ApiException.badRequest("the request body is empty; expected a pipeline definition in JSON "
                    + "(Content-Type: application/json) or YAML (Content-Type: application/yaml)");
        }
        PipelineFormat format = format(ctx.req().getContentType());
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw ApiException.badRequest("the request body is not valid UTF-8; a definition must be sent as UTF-8");
        }
        return new Document(text.startsWith("\uFEFF") ? text.substring(1) : text, format);
    }

    private static PipelineFormat format(String contentType) {
        String type = contentType == null ? "" : contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (type.equals("application/yaml") || type.equals("application/x-yaml") || type.equals("text/yaml")) {
            return PipelineFormat.YAML;
        }
        if (type.equals("application/json") || (type.startsWith("application/") && type.endsWith("+json"))) {
            return PipelineFormat.JSON;
        }
        throw ApiException.unsupportedMediaType("a pipeline definition is sent as JSON (Content-Type: application/json) "
                + "or YAML (Content-Type: application/yaml), but " + (type.isEmpty() ? "no Content-Type was sent"
                : "it was '" + contentType + "'"));
    }

    /** Every problem of {@code doc} with the step types {@code types}; empty when it can be registered. */
    static List<Problem> problems(Document doc, StepTypes types, Pipelines pipelines) {
        List<Problem> all = new ArrayList<>(PipelineDefinitions.check(doc.text(), doc.format(), types));
        all.addAll(unknownChildren(doc, pipelines));
        return all;
    }

    /** {@code pipeline} steps whose literal pipeline is not registered, each under {@code steps[i].input.pipeline}. */
    private static List<Problem> unknownChildren(Document doc, Pipelines pipelines) {
        JsonNode tree;
        try {
            tree = (doc.format() == PipelineFormat.JSON ? Json.mapper() : YAML).readTree(doc.text());
        } catch (Exception e) {
            return List.of(); // a syntax error, which check() reports
        }
        List<Problem> out = new ArrayList<>();
        JsonNode steps = tree == null ? null : tree.get("steps");
        if (steps == null || !steps.isArray()) {
            return out;
        }
        for (int i = 0; i < steps.size(); i++) {
            JsonNode step = steps.get(i);
            JsonNode type = step.get("type");
            if (type == null || !type.isTextual()) {
                continue;
            }
            pipelines.unknownChild(tree.path("id").asText(""), step.path("id").isTextual() ? step.get("id").textValue() : null,
                    i, type.textValue(), step.get("input")).ifPresent(out::add);
        }
        return out;
    }
}
