package io.bulwark.core.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The one Jackson configuration Bulwark uses on every surface: camelCase, ISO-8601 UTC times,
 * nulls left out, unknown properties rejected so that a misspelt field is an error, and a document
 * is one value: anything after it but white space ({@code {"a":1} x}, {@code {}{}}) is an error, not
 * silently dropped.
 *
 * <p>{@link #strictMapper()} adds the input rules for documents from outside (request bodies):
 * no value changes type or loses part of itself on the way in. A fraction is not an integer
 * ({@code 9.99} is refused, not read as 9); numbers, booleans and strings do not stand for one
 * another; a number too large for its field, a non-finite number or a time outside years 0 to
 * 9999 is refused. Each refusal names the field.
 */
public final class Json {

    private static final ObjectMapper MAPPER = newMapper();
    private static final ObjectMapper STRICT = newStrictMapper();
    /** Where a message points inside itself, e.g. an unclosed object's start: the parser's source description is noise. */
    private static final java.util.regex.Pattern SOURCE =
            java.util.regex.Pattern.compile("\\[Source: [^;\\]]*; line: (-?\\d+), column: (-?\\d+)]");

    private Json() {
    }

    /**
     * A JSON syntax error for people, to follow "... is not valid JSON": where it is and what was
     * wrong, without the parser's internals (source description, feature names). E.g.
     * {@code  at line 1, column 2: Unexpected character ('u' (code 117)): was expecting
     * double-quote to start field name}.
     */
    public static String syntaxError(com.fasterxml.jackson.core.JsonProcessingException e) {
        com.fasterxml.jackson.core.JsonLocation l = e.getLocation();
        String at = l == null || l.getLineNr() < 0 ? "" : " at line " + l.getLineNr() + ", column " + l.getColumnNr();
        return at + ": " + SOURCE.matcher(e.getOriginalMessage()).replaceAll("line $1, column $2");
    }

    /** A shared, fully configured mapper. Thread-safe; do not reconfigure it. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * The mapper for documents sent from outside (request bodies): {@link #mapper()}'s settings
     * plus the input rules above. Thread-safe; do not reconfigure it.
     */
    public static ObjectMapper strictMapper() {
        return STRICT;
    }

    private static ObjectMapper newStrictMapper() {
        JsonMapper m = JsonMapper.builder(factory())
                .addModule(new JavaTimeModule())
                .addModule(StrictNumbers.module())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .serializationInclusion(JsonInclude.Include.NON_NULL)
                .build();
        for (LogicalType numeric : new LogicalType[] {LogicalType.Integer, LogicalType.Float}) {
            m.coercionConfigFor(numeric)
                    .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        }
        m.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        m.coercionConfigFor(LogicalType.Boolean)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        m.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        return m;
    }

    /** A parser factory whose buffers are reused on virtual threads as well ({@link BufferPool}). */
    private static com.fasterxml.jackson.core.JsonFactory factory() {
        return com.fasterxml.jackson.core.JsonFactory.builder().recyclerPool(BufferPool.INSTANCE).build();
    }

    /** A new mapper with Bulwark's settings, for callers that need to add modules of their own. */
    public static ObjectMapper newMapper() {
        return JsonMapper.builder(factory())
                .addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .serializationInclusion(JsonInclude.Include.NON_NULL)
                .build();
    }
}
