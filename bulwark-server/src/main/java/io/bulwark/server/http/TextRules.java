package io.bulwark.server.http;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Iterator;
import java.util.Map;

/**
 * Rules every text of a request body obeys. A JSON {@code \\uD800} escape with no partner
 * decodes to a lone surrogate, which is not a character: stores and logs would write it as
 * {@code ?}, so that what was kept differs from what was sent. Such a body is refused (400,
 * naming the field) rather than repaired.
 */
final class TextRules {

    private TextRules() {
    }

    /** The path of the first field name or string under {@code node} holding a lone surrogate, or null. */
    static String loneSurrogate(JsonNode node, String path) {
        if (node.isTextual()) {
            return hasLoneSurrogate(node.textValue()) ? path : null;
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String found = loneSurrogate(node.get(i), path + "[" + i + "]");
                if (found != null) {
                    return found;
                }
            }
            return null;
        }
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String child = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
                if (hasLoneSurrogate(e.getKey())) {
                    return path.isEmpty() ? "(field name)" : path + ".(field name)";
                }
                String found = loneSurrogate(e.getValue(), child);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    /** True when {@code s} holds a high surrogate without a low one after it, or a low one alone. */
    static boolean hasLoneSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return true;
                }
            } else if (Character.isLowSurrogate(c)) {
                return true;
            }
        }
        return false;
    }
}
