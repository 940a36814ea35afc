package io.bulwark.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaException;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.PathType;
import io.bulwark.core.validation.FieldProblem;
import io.bulwark.core.validation.ValidationException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A pipeline's input schema, compiled once, checking the input of each run. JSON Schema draft
 * 2020-12 unless the schema's {@code $schema} names another draft (4, 6, 7, 2019-09). Schemas
 * are never fetched from the network: a {@code $ref} must point inside the schema.
 *
 * <pre>{@code
 * InputSchema schema = InputSchema.of(definition.inputSchema());
 * List<FieldProblem> errors = schema.validate(runInput); // [$.count: must have a minimum value of 1]
 * }</pre>
 */
public final class InputSchema {

    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            b -> b.schemaLoader(loader -> loader.fetchRemoteResources(false))
                    .schemaRegistryConfig(SchemaRegistryConfig.builder()
                            .pathType(PathType.JSON_PATH)
                            .locale(Locale.ENGLISH)
                            .build()));

    private final Schema schema;

    private InputSchema(Schema schema) {
        this.schema = schema;
    }

    /**
     * Compiles {@code schema}.
     *
     * @throws ValidationException listing every problem {@link #check} finds
     */
    public static InputSchema of(JsonNode schema) {
        List<Problem> problems = new ArrayList<>();
        Schema compiled = compile(schema, problems);
        if (compiled == null) {
            throw new ValidationException("input schema", problems.stream().map(Problem::toFieldProblem).toList());
        }
        return new InputSchema(compiled);
    }

    /**
     * What is wrong with {@code schema} as a JSON Schema: where it breaks its draft's meta-schema
     * (field {@code inputSchema} followed by the path inside it), or a reference that does not
     * resolve; empty when it is a valid schema.
     */
    public static List<Problem> check(JsonNode schema) {
        List<Problem> problems = new ArrayList<>();
        compile(schema, problems);
        return problems;
    }

    private static Schema compile(JsonNode schemaNode, List<Problem> problems) {
        if (schemaNode == null || !(schemaNode.isObject() || schemaNode.isBoolean())) {
            problems.add(new Problem(null, "inputSchema", "must be a JSON Schema (an object) but was " + schemaNode));
            return null;
        }
        try {
            SpecificationVersion version = SpecificationVersion.fromSchemaNode(schemaNode).orElse(SpecificationVersion.DRAFT_2020_12);
            Schema meta = REGISTRY.getSchema(SchemaLocation.of(version.getDialectId()));
            for (com.networknt.schema.Error e : meta.validate(schemaNode)) {
                problems.add(new Problem(null, "inputSchema" + suffix(e.getInstanceLocation().toString()), e.getMessage()));
            }
            if (!problems.isEmpty()) {
                return null;
            }
            Schema schema = REGISTRY.getSchema(schemaNode);
            schema.initializeValidators();
            return schema;
        } catch (SchemaException | IllegalArgumentException e) {
            problems.add(new Problem(null, "inputSchema", "is not a usable JSON Schema: " + e.getMessage()));
            return null;
        }
    }

    /**
     * Every way {@code input} breaks the schema, each with its JSON path ({@code $.items[2].sku})
     * and the schema's message; empty when the input is valid. A null input is checked as JSON null.
     */
    public List<FieldProblem> validate(JsonNode input) {
        JsonNode value = input == null ? com.fasterxml.jackson.databind.node.NullNode.getInstance() : input;
        List<FieldProblem> errors = new ArrayList<>();
        for (com.networknt.schema.Error e : schema.validate(value)) {
            errors.add(new FieldProblem(e.getInstanceLocation().toString(), e.getMessage()));
        }
        return errors;
    }

    /** {@code $.a.b} as {@code .a.b}, {@code $} as nothing. */
    private static String suffix(String jsonPath) {
        return jsonPath.startsWith("$") ? jsonPath.substring(1) : jsonPath.isEmpty() ? "" : "." + jsonPath;
    }
}
