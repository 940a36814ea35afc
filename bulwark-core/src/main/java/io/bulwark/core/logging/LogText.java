package io.bulwark.core.logging;

/**
 * Makes text that came from a user safe to put in a log line. A text log is read line by line,
 * so a reason or a name holding CR or LF could forge whole lines ("... INFO Admin key created").
 * {@link #safe} writes every control character, Unicode line separator and lone surrogate as a
 * visible escape ({@code \n}, {@code \u2028}) and keeps the line short; the text is otherwise
 * unchanged, so what an operator reads is what was sent.
 *
 * <pre>{@code
 * LOG.warn("Group '{}' degraded by hand: {}", group, LogText.safe(reason));
 * }</pre>
 */
public final class LogText {

    /** The most characters of one user text a log line carries. */
    public static final int MAX_LENGTH = 500;

    private LogText() {
    }

    /** {@code text} with control characters escaped and cut to {@link #MAX_LENGTH}; "null" for null. */
    public static String safe(String text) {
        return safe(text, MAX_LENGTH);
    }

    /** {@code text} with control characters escaped and cut to {@code max} characters of the original. */
    public static String safe(String text, int max) {
        if (text == null) {
            return "null";
        }
        int end = Math.min(text.length(), max);
        StringBuilder sb = null;
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            String escaped = escape(text, i, c);
            if (escaped != null && sb == null) {
                sb = new StringBuilder(end + 16).append(text, 0, i);
            }
            if (sb != null) {
                if (escaped != null) {
                    sb.append(escaped);
                } else {
                    sb.append(c);
                }
            }
        }
        String out = sb == null ? text.substring(0, end) : sb.toString();
        return end < text.length() ? out + "...(" + (text.length() - end) + " more chars)" : out;
    }

    private static String escape(String text, int i, char c) {
        switch (c) {
            case '\n':
                return "\\n";
            case '\r':
                return "\\r";
            case '\t':
                return "\\t";
            default:
                break;
        }
        boolean lone = (Character.isHighSurrogate(c) && (i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))))
                || (Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(text.charAt(i - 1))));
        if (c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || c == '\u2028' || c == '\u2029' || lone) {
            return String.format("\\u%04x", (int) c);
        }
        return null;
    }
}
