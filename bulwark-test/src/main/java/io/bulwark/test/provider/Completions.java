package io.bulwark.test.provider;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bulwark.core.json.Json;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The OpenAI chat-completions documents the fake provider reads and writes: the request's parts it
 * needs, a {@code chat.completion}, the {@code chat.completion.chunk}s of a streamed answer, the
 * model list and the error body. The answer echoes the last user message. Token counts are word
 * counts: a stand-in with the right shape, not a tokenizer.
 */
final class Completions {

    /** The model named when a request names none, and the one {@code GET /v1/models} lists. */
    static final String DEFAULT_MODEL = "fake";

    private static final Pattern WORDS = Pattern.compile("\\s+");
    private static final Pattern AFTER_SPACE = Pattern.compile("(?<=\\s)(?=\\S)");

    private Completions() {
    }

    /** What the fake needs from a chat-completions request. */
    record Request(String model, String lastUserMessage, int promptTokens, boolean stream, boolean includeUsage) {
    }

    /** A request the fake refuses with 400, naming the field ({@code param}) at fault. */
    static final class BadRequest extends Exception {
        private final String param;

        BadRequest(String param, String message) {
            super(message);
            this.param = param;
        }

        String param() {
            return param;
        }
    }

    /**
     * Reads a chat-completions body: a JSON object with a {@code messages} array; {@code model}
     * (default {@value #DEFAULT_MODEL}), {@code stream} and {@code stream_options.include_usage}
     * are optional. A message's {@code content} may be a string or a list of parts with {@code text}.
     */
    static Request parse(byte[] body) throws BadRequest {
        JsonNode root;
        try {
            root = Json.mapper().readTree(body);
        } catch (JsonProcessingException e) {
            throw new BadRequest(null, "the body is not valid JSON" + Json.syntaxError(e));
        } catch (java.io.IOException e) {
            throw new BadRequest(null, "the body cannot be read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new BadRequest(null, "the body must be a JSON object such as "
                    + "{\"model\":\"fake\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}");
        }
        JsonNode model = root.path("model");
        if (!model.isMissingNode() && !model.isTextual()) {
            throw new BadRequest("model", "model must be a string but was " + model);
        }
        JsonNode messages = root.path("messages");
        if (!messages.isArray() || messages.isEmpty()) {
            throw new BadRequest("messages", "messages is required: a non-empty array of {\"role\": ..., \"content\": ...}");
        }
        String lastUser = "";
        int promptTokens = 0;
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            if (!m.isObject() || !m.path("role").isTextual()) {
                throw new BadRequest("messages[" + i + "]", "messages[" + i + "] must be an object with a string role");
            }
            String text = text(m.path("content"));
            promptTokens += words(text);
            if (m.path("role").asText().equals("user")) {
                lastUser = text;
            }
        }
        JsonNode stream = root.path("stream");
        if (!stream.isMissingNode() && !stream.isNull() && !stream.isBoolean()) {
            throw new BadRequest("stream", "stream must be true or false but was " + stream);
        }
        return new Request(model.isTextual() ? model.asText() : DEFAULT_MODEL, lastUser, promptTokens,
                stream.asBoolean(false), root.path("stream_options").path("include_usage").asBoolean(false));
    }

    /** A whole {@code chat.completion}. */
    static ObjectNode completion(String id, long created, Request r) {
        ObjectNode c = head(id, "chat.completion", created, r.model());
        ObjectNode choice = c.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putObject("message").put("role", "assistant").put("content", r.lastUserMessage());
        choice.putNull("logprobs");
        choice.put("finish_reason", "stop");
        usage(c.putObject("usage"), r);
        return c;
    }

    /**
     * The chunks of a streamed answer, as OpenAI sends them: the role first, then the content a word
     * at a time, then an empty delta with {@code finish_reason: stop}, then (when the request asked
     * with {@code stream_options.include_usage}) a chunk with no choices and the usage.
     */
    static List<ObjectNode> chunks(String id, long created, Request r) {
        List<ObjectNode> chunks = new ArrayList<>();
        chunks.add(chunk(id, created, r, "role", "assistant"));
        for (String piece : pieces(r.lastUserMessage())) {
            chunks.add(chunk(id, created, r, "content", piece));
        }
        ObjectNode last = head(id, "chat.completion.chunk", created, r.model());
        ObjectNode choice = last.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putObject("delta");
        choice.put("finish_reason", "stop");
        chunks.add(last);
        if (r.includeUsage()) {
            ObjectNode usage = head(id, "chat.completion.chunk", created, r.model());
            usage.putArray("choices");
            usage(usage.putObject("usage"), r);
            chunks.add(usage);
        }
        return chunks;
    }

    /** {@code GET /v1/models}: the one model, {@value #DEFAULT_MODEL} (a completion echoes whatever model it is asked for). */
    static ObjectNode models(long created) {
        ObjectNode list = Json.mapper().createObjectNode().put("object", "list");
        ArrayNode data = list.putArray("data");
        data.addObject().put("id", DEFAULT_MODEL).put("object", "model").put("created", created).put("owned_by", "bulwark");
        return list;
    }

    /** An error body in OpenAI's shape: {@code {"error": {"message", "type", "param", "code"}}}. */
    static ObjectNode error(String message, String type, String param, String code) {
        ObjectNode body = Json.mapper().createObjectNode();
        ObjectNode error = body.putObject("error");
        error.put("message", message).put("type", type);
        if (param == null) {
            error.putNull("param");
        } else {
            error.put("param", param);
        }
        if (code == null) {
            error.putNull("code");
        } else {
            error.put("code", code);
        }
        return body;
    }

    /** The text of a content: a string, or the {@code text} of each part of a list, joined. */
    private static String text(JsonNode content) {
        if (content.isTextual()) {
            return content.asText();
        }
        if (content.isArray()) {
            StringBuilder text = new StringBuilder();
            content.forEach(part -> {
                if (part.path("text").isTextual()) {
                    text.append(text.isEmpty() ? "" : " ").append(part.path("text").asText());
                }
            });
            return text.toString();
        }
        return "";
    }

    /** The content split after each run of white space, so the pieces join back into the text. */
    static List<String> pieces(String text) {
        return text.isEmpty() ? List.of() : List.of(AFTER_SPACE.split(text));
    }

    private static int words(String text) {
        String trimmed = text.strip();
        return trimmed.isEmpty() ? 0 : WORDS.split(trimmed).length;
    }

    private static void usage(ObjectNode usage, Request r) {
        int completion = words(r.lastUserMessage());
        usage.put("prompt_tokens", r.promptTokens()).put("completion_tokens", completion)
                .put("total_tokens", r.promptTokens() + completion);
    }

    private static ObjectNode head(String id, String object, long created, String model) {
        return Json.mapper().createObjectNode().put("id", id).put("object", object).put("created", created)
                .put("model", model);
    }

    private static ObjectNode chunk(String id, long created, Request r, String field, String value) {
        ObjectNode c = head(id, "chat.completion.chunk", created, r.model());
        ObjectNode choice = c.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode delta = choice.putObject("delta").put(field, value);
        if (field.equals("role")) {
            delta.put("content", "");
        }
        choice.putNull("finish_reason");
        return c;
    }
}
