package io.bulwark.pipeline;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.bulwark.core.validation.ValidationException;
import io.bulwark.pipeline.internal.DefinitionReader;
import io.bulwark.pipeline.internal.DefinitionWriter;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Reads and writes pipeline definitions.
 *
 * <pre>{@code
 * // registering: every problem, of shape and of meaning, in one list
 * List<Problem> problems = PipelineDefinitions.check(text, PipelineFormat.YAML, StepTypes.builtinsAnd(handlers));
 *
 * // reading a definition known to be well formed
 * PipelineDefinition etl = PipelineDefinitions.parse(text, PipelineFormat.JSON);
 * String canonical = PipelineDefinitions.toJson(etl);
 * }</pre>
 *
 * <p>A document holds {@code id}, {@code version}, {@code inputSchema} and {@code steps}; a
 * step {@code id}, {@code type}, {@code input}, {@code after}, {@code forEach},
 * {@code parallelism}, {@code retry}, {@code timeout} and {@code onFailure}. Any other field,
 * and a field given twice, is an error. docs/pipelines.md describes each field.
 */
public final class PipelineDefinitions {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final ObjectMapper YAML = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .build();

    private PipelineDefinitions() {
    }

    /**
     * Reads a definition, checking its shape (not its graph: see {@link PipelineValidator}).
     *
     * @throws ValidationException listing every problem of shape, each with its field path
     */
    public static PipelineDefinition parse(String text, PipelineFormat format) {
        List<Problem> problems = new ArrayList<>();
        PipelineDefinition definition = read(text, format, problems);
        if (!problems.isEmpty()) {
            throw new ValidationException("pipeline definition", problems.stream().map(Problem::toFieldProblem).toList());
        }
        return definition;
    }

    /**
     * Every problem of a definition document at once: syntax, shape (unknown fields, wrong types,
     * bad values) and, when every step could be read, meaning ({@link PipelineValidator}).
     * Empty when the document is a valid definition.
     */
    public static List<Problem> check(String text, PipelineFormat format, StepTypes types) {
        List<Problem> problems = new ArrayList<>();
        PipelineDefinition definition = read(text, format, problems);
        if (definition != null) {
            problems.addAll(PipelineValidator.validate(definition, types));
        }
        return List.copyOf(problems);
    }

    /** Reads a definition from a JSON tree (a request body already parsed); see {@link #parse}. */
    public static PipelineDefinition fromTree(JsonNode tree) {
        DefinitionReader.Result r = DefinitionReader.read(Objects.requireNonNull(tree, "tree"));
        if (!r.problems().isEmpty()) {
            throw new ValidationException("pipeline definition", r.problems().stream().map(Problem::toFieldProblem).toList());
        }
        return r.definition();
    }

    /** The canonical JSON tree of {@code definition}: fixed field order, defaults left out. */
    public static JsonNode toTree(PipelineDefinition definition) {
        return DefinitionWriter.write(definition);
    }

    /** The canonical JSON text of {@code definition}; {@code parse(toJson(d), JSON)} equals {@code d}. */
    public static String toJson(PipelineDefinition definition) {
        try {
            return JSON.writeValueAsString(toTree(definition));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree could not be written", e);
        }
    }

    private static PipelineDefinition read(String text, PipelineFormat format, List<Problem> problems) {
        Objects.requireNonNull(format, "format");
        if (text == null || text.isBlank()) {
            problems.add(new Problem(null, "", "the definition is empty; it needs at least id and steps"));
            return null;
        }
        JsonNode tree;
        try {
            tree = (format == PipelineFormat.JSON ? JSON : YAML).readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            problems.add(new Problem(null, "", "not valid " + format + (at == null ? "" : " at line " + at.getLineNr()
                    + ", column " + at.getColumnNr()) + ": " + e.getOriginalMessage()));
            return null;
        }
        if (tree == null || tree.isMissingNode()) {
            problems.add(new Problem(null, "", "the definition is empty; it needs at least id and steps"));
            return null;
        }
        DefinitionReader.Result r = DefinitionReader.read(tree);
        problems.addAll(r.problems());
        return r.definition();
    }
}
