package io.bulwark.server.http;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;

/**
 * Every field error of a body at once. Jackson stops at the first field it cannot bind; when it
 * does, this walks the parsed tree against the target type, binding each field on its own, so
 * that {@code {"priority":"high","bogus":1}} is refused naming both fields in one problem.
 */
final class BodyErrors {

    private final ObjectMapper mapper;
    private final BiFunction<JsonMappingException, String, FieldError> describe;
    private final List<FieldError> errors = new ArrayList<>();

    private BodyErrors(ObjectMapper mapper, BiFunction<JsonMappingException, String, FieldError> describe) {
        this.mapper = mapper;
        this.describe = describe;
    }

    /**
     * The errors of binding {@code node} to {@code type}, each with its path ({@code jobs[2].priority}).
     *
     * @param describe turns one binding failure, and the path it happened under, into a field error
     */
    static List<FieldError> of(ObjectMapper mapper, JsonNode node, JavaType type,
                               BiFunction<JsonMappingException, String, FieldError> describe) {
        return of(mapper, node, type, "", describe);
    }

    /** {@link #of(ObjectMapper, JsonNode, JavaType, BiFunction)} for a node found at {@code path}. */
    static List<FieldError> of(ObjectMapper mapper, JsonNode node, JavaType type, String path,
                               BiFunction<JsonMappingException, String, FieldError> describe) {
        BodyErrors b = new BodyErrors(mapper, describe);
        b.walk(node, type, path);
        return b.errors;
    }

    private void walk(JsonNode node, JavaType type, String path) {
        if (node.isArray() && (type.isCollectionLikeType() || type.isArrayType())) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), type.getContentType(), path + "[" + i + "]");
            }
        } else if (node.isObject() && type.isMapLikeType()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                walk(e.getValue(), type.getContentType(), join(path, e.getKey()));
            }
        } else if (node.isObject() && isBean(type)) {
            BeanDescription bean = mapper.getDeserializationConfig().introspect(type);
            Map<String, BeanPropertyDefinition> props = new TreeMap<>();
            bean.findProperties().forEach(p -> props.put(p.getName(), p));
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                BeanPropertyDefinition p = props.get(e.getKey());
                if (p == null) {
                    errors.add(new FieldError(join(path, e.getKey()), "unknown field; allowed: " + String.join(", ", props.keySet())));
                } else {
                    walk(e.getValue(), p.getPrimaryType(), join(path, e.getKey()));
                }
            }
        } else {
            try {
                mapper.readerFor(type).readValue(node);
            } catch (JsonMappingException e) {
                errors.add(describe.apply(e, path));
            } catch (java.io.IOException | RuntimeException e) {
                // Not a binding error of this field; the caller reports the first error as it was.
            }
        }
    }

    private static boolean isBean(JavaType type) {
        Class<?> raw = type.getRawClass();
        return !type.isPrimitive() && !type.isContainerType() && !raw.isEnum() && !raw.getName().startsWith("java.")
                && !JsonNode.class.isAssignableFrom(raw);
    }

    private static String join(String path, String field) {
        return path.isEmpty() ? field : path + "." + field;
    }
}
