package io.bulwark.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.bulwark.core.json.Json;
import io.javalin.http.Context;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reads JSON request bodies with a size bound and turns every parse or binding failure into a
 * 400 that says where the body broke or which field is wrong.
 *
 * <p>Every route reads its body through here, so a body is read the same way whatever its
 * transfer encoding: the stream is read to its end (bounded), never skipped because no
 * {@code Content-Length} was sent. A body that is present must be declared JSON
 * ({@code application/json} or {@code application/*+json}) and sent uncompressed; anything else
 * is a 415.
 */
public final class JsonBodies {

    /** The largest declared body read into an array allocated before its bytes arrive. */
    private static final int EXACT_READ_LIMIT = 64 * 1024;

    private JsonBodies() {
    }

    /**
     * Reads the body as {@code type}.
     *
     * @param limit the largest body accepted, in bytes
     * @throws ApiException 413 over the limit, 400 for malformed JSON or invalid fields
     */
    public static <T> T read(Context ctx, Class<T> type, long limit) {
        return readOptional(ctx, type, limit).orElseThrow(
                () -> ApiException.badRequest("the request body is empty; expected a JSON object"));
    }

    /**
     * Reads the body as {@code type} when there is one; empty when the request has no body
     * (neither a {@code Content-Length} nor a chunk of content).
     *
     * @throws ApiException 413 over the limit, 415 for a body that is not declared JSON, 400 for
     *                      malformed JSON or invalid fields
     */
    public static <T> java.util.Optional<T> readOptional(Context ctx, Class<T> type, long limit) {
        byte[] body = readBounded(ctx, limit);
        if (body.length == 0) {
            return java.util.Optional.empty();
        }
        requireJson(ctx.req().getContentType());
        requireUncompressed(ctx.header("Content-Encoding"));
        return java.util.Optional.of(parse(body, type));
    }

    /**
     * 415 for a body sent compressed: bodies are small and read as sent, so a gzip body would
     * otherwise fail as text that is not UTF-8, a message that sends the caller looking elsewhere.
     */
    static void requireUncompressed(String contentEncoding) {
        if (contentEncoding != null && !contentEncoding.isBlank() && !contentEncoding.strip().equalsIgnoreCase("identity")) {
            throw ApiException.unsupportedMediaType("the request body must be sent uncompressed, but it came with "
                    + "Content-Encoding: " + io.bulwark.core.logging.LogText.safe(contentEncoding.strip(), 100));
        }
    }

    /** 415 unless {@code contentType} is {@code application/json} or {@code application/*+json}. */
    static void requireJson(String contentType) {
        if (!isJson(contentType)) {
            throw ApiException.unsupportedMediaType("the request body must be JSON, sent with Content-Type: "
                    + "application/json, but " + (contentType == null || contentType.isBlank()
                    ? "no Content-Type was sent" : "it was '" + contentType + "'"));
        }
    }

    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semi = contentType.indexOf(';');
        String type = (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(java.util.Locale.ROOT);
        return type.equals("application/json")
                || (type.startsWith("application/") && type.endsWith("+json") && type.indexOf('/') == type.lastIndexOf('/'));
    }

    /**
     * The body as text: JSON between systems is UTF-8 (RFC 8259, section 8.1), so the bytes are
     * decoded strictly as UTF-8 rather than letting the parser guess an encoding (it took a body
     * starting {@code {\0\0\0} for UTF-32 and failed outside its error type: a 500, found by
     * fuzzing). A leading byte-order mark is ignored, as the RFC allows.
     */
    private static String utf8(byte[] body) {
        try {
            String text = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(body)).toString();
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (java.nio.charset.CharacterCodingException e) {
            throw ApiException.malformedJson("the request body is not valid UTF-8; JSON must be sent as UTF-8");
        }
    }

    private static <T> T parse(byte[] body, Class<T> type) {
        JsonNode tree;
        try {
            tree = Json.strictMapper().readTree(utf8(body));
        } catch (JsonProcessingException e) {
            throw ApiException.malformedJson("malformed JSON" + Json.syntaxError(e));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (tree == null || tree.isMissingNode()) {
            throw ApiException.badRequest("the request body is empty; expected a JSON object");
        }
        if (tree.isNull()) {
            throw ApiException.badRequest("the request body is null; expected a JSON object");
        }
        if (!tree.isObject()) {
            // Every body is an object; saying so beats a type error on a field named "".
            throw ApiException.malformedJson("expected a JSON object but the body is " + kind(tree));
        }
        String broken = TextRules.loneSurrogate(tree, "");
        if (broken != null) {
            throw ApiException.validation("a text holds invalid Unicode", List.of(new FieldError(broken.isEmpty() ? "(body)" : broken,
                    "holds a lone UTF-16 surrogate (an unpaired \\uD800-\\uDFFF escape); text must be valid Unicode")));
        }
        try {
            T value = Json.strictMapper().readerFor(type).readValue(tree);
            if (value == null) {
                throw ApiException.badRequest("the request body is null; expected a JSON object");
            }
            return value;
        } catch (DatabindException e) {
            if (e.getCause() instanceof ApiException api) {
                throw api;
            }
            List<FieldError> all = fieldErrors(tree, type, "");
            if (all.size() > 1) {
                throw ApiException.validation("the request has " + all.size() + " invalid fields", all);
            }
            throw ApiException.validation(title((JsonMappingException) e), List.of(describe((JsonMappingException) e, "")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Why {@code node} (found at {@code path}, e.g. {@code payload}) cannot be bound to {@code type}:
     * every field error at once, each naming its path and what is expected; empty when it binds.
     */
    public static List<FieldError> bindingErrors(JsonNode node, Class<?> type, String path) {
        try {
            Json.strictMapper().readerFor(type).readValue(node);
            return List.of();
        } catch (DatabindException e) {
            List<FieldError> all = fieldErrors(node, type, path);
            return all.isEmpty() ? List.of(describe((JsonMappingException) e, path)) : all;
        } catch (IOException e) {
            return List.of(new FieldError(path, "cannot be read as " + type.getSimpleName() + ": " + e.getMessage()));
        }
    }

    /** Every field error of binding {@code node} (at {@code path}) to {@code type}, each field bound on its own. */
    private static List<FieldError> fieldErrors(JsonNode node, Class<?> type, String path) {
        return BodyErrors.of(Json.strictMapper(), node, Json.strictMapper().constructType(type), path, JsonBodies::describe);
    }

    private static String title(JsonMappingException e) {
        if (e instanceof UnrecognizedPropertyException) {
            return "the request has an unknown field";
        }
        if (e instanceof InvalidFormatException) {
            return "a field has the wrong type or is out of range";
        }
        if (e instanceof MismatchedInputException) {
            return "a field has the wrong type";
        }
        return e.getCause() instanceof InputCoercionException ? "a number is out of range" : "a field is invalid";
    }

    /** One binding failure as a field error; {@code under} is the path of the node it was bound from. */
    private static FieldError describe(JsonMappingException e, String under) {
        String own = rawPath(e);
        String p = under.isEmpty() ? own : own.isEmpty() ? under : own.startsWith("[") ? under + own : under + "." + own;
        String field = p.isEmpty() ? "(body)" : p;
        if (e instanceof UnrecognizedPropertyException u) {
            String allowed = u.getKnownPropertyIds() == null ? "" : "; allowed: "
                    + u.getKnownPropertyIds().stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
            return new FieldError(field, "unknown field" + allowed);
        }
        if (e instanceof InvalidFormatException f) {
            return new FieldError(field, "expected " + simpleType(f.getTargetType()) + " but was '" + f.getValue() + "'");
        }
        if (e instanceof MismatchedInputException m) {
            return new FieldError(field, "expected " + simpleType(m.getTargetType()));
        }
        Throwable cause = e.getCause();
        if (cause instanceof InputCoercionException overflow) {
            return new FieldError(field, "is out of range: expected " + simpleType(overflow.getTargetType()) + " from "
                    + range(overflow.getTargetType()));
        }
        if (cause instanceof IllegalArgumentException iae) {
            return new FieldError(field, iae.getMessage());
        }
        return new FieldError(field, e.getOriginalMessage());
    }

    private static String kind(JsonNode tree) {
        return tree.isObject() ? "an object" : tree.isArray() ? "an array" : tree.isTextual() ? "a string" : tree.isNumber() ? "a number"
                : tree.isBoolean() ? "a boolean" : "another value";
    }

    private static String range(Class<?> type) {
        if (type == int.class || type == Integer.class) {
            return Integer.MIN_VALUE + " to " + Integer.MAX_VALUE;
        }
        if (type == long.class || type == Long.class) {
            return Long.MIN_VALUE + " to " + Long.MAX_VALUE;
        }
        if (type == short.class || type == Short.class) {
            return Short.MIN_VALUE + " to " + Short.MAX_VALUE;
        }
        return "the range of " + (type == null ? "the field" : type.getSimpleName());
    }

    /** Reads the raw body, refusing more than {@code limit} bytes even when no Content-Length was sent. */
    public static byte[] readBounded(Context ctx, long limit) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > limit) {
            throw tooLarge(declared, limit);
        }
        try (InputStream in = ctx.req().getInputStream()) {
            if (declared >= 0 && declared <= EXACT_READ_LIMIT) {
                // The usual case: read straight into an array of the declared size, rather than
                // through readNBytes's 8 KB chunks and a final copy. Larger declared bodies are
                // read as they arrive, so a declaration alone cannot make the server allocate.
                byte[] bytes = new byte[(int) declared];
                int read = in.readNBytes(bytes, 0, bytes.length);
                if (read < bytes.length) {
                    throw ApiException.badRequest("the request body ended after " + read + " of the "
                            + declared + " bytes its Content-Length declared");
                }
                return bytes;
            }
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (bytes.length > limit) {
                throw tooLarge(-1, limit);
            }
            return bytes;
        } catch (IOException e) {
            throw ApiException.badRequest("cannot read the request body: " + e.getMessage());
        }
    }

    /** The 413 for a body over {@code limit}. */
    public static ApiException tooLarge(long declared, long limit) {
        String size = declared >= 0 ? "is " + declared + " bytes" : "exceeds it";
        return ApiException.tooLarge("the request body " + size + "; the limit is " + limit
                + " bytes (server.maxRequestBody)");
    }

    private static String rawPath(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static String simpleType(Class<?> type) {
        if (type == null) {
            return "another type";
        }
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class
                || type == short.class || type == Short.class) {
            return "an integer";
        }
        if (type == double.class || type == Double.class || type == float.class || type == Float.class) {
            return "a finite number";
        }
        if (type == java.time.Instant.class) {
            return "an ISO-8601 UTC time from 0000-01-01T00:00:00Z to 9999-12-31T23:59:59Z";
        }
        if (type == java.util.UUID.class) {
            return "a UUID";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type.isEnum()) {
            return "one of " + java.util.Arrays.stream(type.getEnumConstants()).map(c -> c.toString().toLowerCase(java.util.Locale.ROOT))
                    .collect(Collectors.joining(", "));
        }
        if (List.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        return "an object";
    }
}
