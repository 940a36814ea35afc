package io.bulwark.server.internal.cache;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.core.json.Json;
import io.bulwark.server.http.ApiException;
import io.bulwark.server.http.FieldError;
import io.bulwark.server.http.JsonBodies;
import io.javalin.http.Context;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * Reads the body of a cache PUT: any JSON value but null (an object, an array, a string, a
 * number, a boolean), unlike the other routes' bodies, which are objects. The same rules
 * otherwise: bounded by {@code server.maxRequestBody}, declared JSON, strict UTF-8, strict JSON,
 * text without lone surrogates (Redis and the other nodes must read back what was put).
 */
final class ValueBody {

    private ValueBody() {
    }

    static JsonNode read(Context ctx, long limit) {
        byte[] bytes = JsonBodies.readBounded(ctx, limit);
        if (bytes.length == 0) {
            throw ApiException.badRequest("the request body is empty; expected the value as JSON");
        }
        String type = ctx.req().getContentType();
        String base = type == null ? "" : type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!base.equals("application/json") && !(base.startsWith("application/") && base.endsWith("+json"))) {
            throw ApiException.unsupportedMediaType("the value must be JSON, sent with Content-Type: application/json, but "
                    + (type == null || type.isBlank() ? "no Content-Type was sent" : "it was '" + type + "'"));
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw ApiException.malformedJson("the request body is not valid UTF-8; JSON must be sent as UTF-8");
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        JsonNode value;
        try {
            value = Json.strictMapper().readTree(text);
        } catch (JsonProcessingException e) {
            throw ApiException.malformedJson("malformed JSON" + Json.syntaxError(e));
        }
        if (value == null || value.isMissingNode()) {
            throw ApiException.badRequest("the request body is empty; expected the value as JSON");
        }
        if (value.isNull()) {
            throw ApiException.validation("invalid value", List.of(new FieldError("(body)",
                    "must be a JSON value other than null; to remove the key, DELETE it")));
        }
        String broken = loneSurrogate(value, "");
        if (broken != null) {
            throw ApiException.validation("a text holds invalid Unicode", List.of(new FieldError(
                    broken.isEmpty() ? "(body)" : broken, "holds a lone UTF-16 surrogate; text must be valid Unicode")));
        }
        return value;
    }

    /** The path of the first text (or field name) in {@code node} with a lone surrogate, or null. */
    private static String loneSurrogate(JsonNode node, String path) {
        if (node.isTextual()) {
            return broken(node.textValue()) ? path : null;
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String p = loneSurrogate(node.get(i), path + "[" + i + "]");
                if (p != null) {
                    return p;
                }
            }
        }
        if (node.isObject()) {
            for (var e : node.properties()) {
                String p = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
                if (broken(e.getKey())) {
                    return p;
                }
                String inner = loneSurrogate(e.getValue(), p);
                if (inner != null) {
                    return inner;
                }
            }
        }
        return null;
    }

    private static boolean broken(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return true;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return true;
            }
        }
        return false;
    }
}
