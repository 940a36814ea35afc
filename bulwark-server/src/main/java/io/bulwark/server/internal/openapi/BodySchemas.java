package io.bulwark.server.internal.openapi;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.net.URI;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * JSON Schemas (2020-12, the dialect of OpenAPI 3.1) for the classes request bodies and
 * parameters are read as: records become named schemas in {@code components/schemas}, referenced
 * where they are used; the value types the API's records hold map to their JSON types.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li>Only what our bodies use is mapped: records, boxed and primitive numbers, booleans,
 *       strings, {@code Instant}, {@code UUID}, {@code URI}, enums, lists, sets, maps with text
 *       keys, and {@code JsonNode} (any value). Any other type is refused naming the field it
 *       was found at, so a new body type is noticed when the document is built, not by a reader.</li>
 *   <li>A record's schema has {@code additionalProperties: false}: bodies are read with
 *       {@code FAIL_ON_UNKNOWN_PROPERTIES}, so an unknown field is a 400. No field is listed as
 *       required: the routes check presence themselves and name the field when it is missing.</li>
 *   <li>A record is named by its simple name; when two records share one, the later is named
 *       with its enclosing classes ({@code RateLimitRoutes.PutBody}).</li>
 * </ul>
 */
final class BodySchemas {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final Map<Class<?>, String> names = new LinkedHashMap<>();
    private final ObjectNode components = JSON.objectNode();

    /** The named schemas made so far, for {@code components/schemas}. */
    ObjectNode components() {
        return components;
    }

    /**
     * The schema of {@code type}, a reference for a record.
     *
     * @param where what the type is used for, named in the error, e.g. {@code the body of POST /api/v1/jobs}
     * @throws IllegalArgumentException for a type this mapper does not describe
     */
    ObjectNode schema(Type type, String where) {
        if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
            Type[] args = p.getActualTypeArguments();
            if (Collection.class.isAssignableFrom(raw)) {
                ObjectNode array = JSON.objectNode().put("type", "array");
                array.set("items", schema(args[0], where + "[]"));
                return Set.class.isAssignableFrom(raw) ? array.put("uniqueItems", true) : array;
            }
            if (Map.class.isAssignableFrom(raw) && args[0] == String.class) {
                ObjectNode map = JSON.objectNode().put("type", "object");
                map.set("additionalProperties", schema(args[1], where + ".*"));
                return map;
            }
        }
        if (type instanceof Class<?> c) {
            ObjectNode simple = simple(c);
            if (simple != null) {
                return simple;
            }
            if (c.isRecord()) {
                return JSON.objectNode().put("$ref", "#/components/schemas/" + named(c));
            }
        }
        throw new IllegalArgumentException("cannot describe " + type.getTypeName() + " (" + where + ") as a JSON "
                + "schema: a body may hold records, numbers, booleans, strings, Instant, UUID, URI, enums, lists, "
                + "maps with text keys and JsonNode; map the type in " + BodySchemas.class.getSimpleName());
    }

    /** The schema of a value type, or null when {@code c} is not one. */
    private static ObjectNode simple(Class<?> c) {
        if (c == String.class || c == CharSequence.class) {
            return type("string");
        }
        if (c == Integer.class || c == int.class || c == Short.class || c == short.class) {
            return type("integer").put("format", "int32");
        }
        if (c == Long.class || c == long.class) {
            return type("integer").put("format", "int64");
        }
        if (c == Double.class || c == double.class) {
            return type("number").put("format", "double");
        }
        if (c == Float.class || c == float.class) {
            return type("number").put("format", "float");
        }
        if (c == Boolean.class || c == boolean.class) {
            return type("boolean");
        }
        if (c == Instant.class || c == OffsetDateTime.class) {
            return type("string").put("format", "date-time");
        }
        if (c == UUID.class) {
            return type("string").put("format", "uuid");
        }
        if (c == URI.class) {
            return type("string").put("format", "uri");
        }
        if (c.isEnum()) {
            ObjectNode e = type("string");
            ArrayNode values = e.putArray("enum");
            for (Object constant : c.getEnumConstants()) {
                values.add(((Enum<?>) constant).name());
            }
            return e;
        }
        if (c == JsonNode.class || c == Object.class) {
            return JSON.objectNode();
        }
        return null;
    }

    private String named(Class<?> record) {
        String known = names.get(record);
        if (known != null) {
            return known;
        }
        String name = names.containsValue(record.getSimpleName()) ? nestedName(record) : record.getSimpleName();
        if (names.containsValue(name)) {
            name = record.getName().replace('$', '.');
        }
        names.put(record, name);
        ObjectNode schema = JSON.objectNode().put("type", "object");
        components.set(name, schema); // before the fields, so that a record that holds itself refers to this one
        ObjectNode properties = schema.putObject("properties");
        for (RecordComponent rc : record.getRecordComponents()) {
            if (annotation(rc, JsonIgnore.class) != null) {
                continue;
            }
            JsonProperty renamed = annotation(rc, JsonProperty.class);
            String field = renamed != null && !renamed.value().isEmpty() ? renamed.value() : rc.getName();
            properties.set(field, schema(rc.getGenericType(), name + "." + field));
        }
        schema.put("additionalProperties", false);
        return name;
    }

    private static <A extends java.lang.annotation.Annotation> A annotation(RecordComponent rc, Class<A> type) {
        A on = rc.getAnnotation(type);
        return on != null ? on : rc.getAccessor().getAnnotation(type);
    }

    private static String nestedName(Class<?> c) {
        StringBuilder name = new StringBuilder(c.getSimpleName());
        for (Class<?> outer = c.getEnclosingClass(); outer != null; outer = outer.getEnclosingClass()) {
            name.insert(0, outer.getSimpleName() + ".");
        }
        return name.toString();
    }

    private static ObjectNode type(String type) {
        return JSON.objectNode().put("type", type);
    }
}
