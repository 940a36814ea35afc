package io.bulwark.server.logging;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes credentials from a rendered log line: the values of credential-carrying headers, text
 * shaped like a Bulwark API key, and secret values the server knows.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li>It works on the finished line, after the layout or JSON encoder, so that every part is
 *       covered: message, arguments, MDC, stack traces, whatever a library's {@code toString}
 *       prints at {@code trace}.</li>
 *   <li>A header's value is cut to the end of its line, or of its JSON string: a line that
 *       loses a little more than the credential is a fair price for never guessing where a
 *       foreign {@code toString} ends a value.</li>
 *   <li>Jetty prints raw network buffers ({@code <<<...>>>}) at debug and trace, abridged in the
 *       middle, so a key can appear there without its header or its prefix. Those dumps are
 *       replaced whole.</li>
 *   <li>Immutable: {@link #with} returns a new one, which the encoder swaps in atomically.</li>
 * </ul>
 */
public final class Redactor {

    /** What a redacted value reads as. */
    public static final String MASK = "[redacted]";
    /** Headers whose values are always redacted. */
    public static final List<String> HEADERS =
            List.of("Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie", "X-Api-Key");
    private static final Pattern API_KEY = Pattern.compile("bwk_[A-Za-z0-9_-]+");
    private static final Pattern BUFFER_DUMP = Pattern.compile("<<<.*?>>>", Pattern.DOTALL);
    /** Secrets shorter than this are not searched for: masking every "a" would wreck the log and hide nothing. */
    private static final int MIN_SECRET_LENGTH = 8;

    private final Set<String> headers;
    private final Set<String> secrets;
    private final Pattern headerValue;
    private final Pattern namedValue;

    private Redactor(Set<String> headers, Set<String> secrets) {
        this.headers = headers;
        this.secrets = secrets;
        List<String> names = new ArrayList<>();
        headers.forEach(h -> names.add(Pattern.quote(h)));
        // A header name, not inside a longer name, then ':' or '=' and the value up to the end of the
        // line or of the JSON string ('"' or the backslash of an escape such as \r\n).
        this.headerValue = Pattern.compile("(?i)(?<![A-Za-z0-9-])(" + String.join("|", names)
                + ")(\"?\\s*[:=]\\s*\\[?\"?)[^\\r\\n\"\\\\]+");
        // Jetty's parser prints an unknown header's name and value apart:
        // "headerString=[X-Api-Key], valueString=[...]".
        this.namedValue = Pattern.compile("(?i)(?<![A-Za-z0-9-])(" + String.join("|", names)
                + ")(\\]?\\s*,\\s*value\\w*\\s*[:=]\\s*\\[?)[^\\]\\r\\n\"\\\\]+");
    }

    /** Redacts the standard headers and API keys. */
    public static Redactor standard() {
        return new Redactor(new LinkedHashSet<>(HEADERS), Set.of());
    }

    /**
     * A redactor that also masks these header names' values and these literal secrets.
     *
     * @param moreHeaders e.g. the headers providers carry their secrets in ({@code providers.*.authHeader})
     * @param moreSecrets secret values; those under 8 characters are ignored
     */
    public Redactor with(Collection<String> moreHeaders, Collection<String> moreSecrets) {
        Set<String> h = new LinkedHashSet<>(headers);
        moreHeaders.stream().filter(n -> n != null && !n.isBlank()).map(String::trim).forEach(h::add);
        Set<String> s = new LinkedHashSet<>(secrets);
        moreSecrets.stream().filter(v -> v != null && v.length() >= MIN_SECRET_LENGTH).forEach(s::add);
        return new Redactor(h, s);
    }

    /** The header names whose values are redacted, lower-case. */
    public Set<String> headers() {
        Set<String> out = new LinkedHashSet<>();
        headers.forEach(h -> out.add(h.toLowerCase(Locale.ROOT)));
        return out;
    }

    /** {@code line} without credentials. */
    public String redact(String line) {
        String out = line;
        for (String secret : secrets) {
            if (out.contains(secret)) {
                out = out.replace(secret, MASK);
            }
        }
        if (out.contains("<<<")) {
            out = BUFFER_DUMP.matcher(out).replaceAll("<<<" + Matcher.quoteReplacement(MASK) + ">>>");
        }
        out = namedValue.matcher(out).replaceAll("$1$2" + Matcher.quoteReplacement(MASK));
        out = headerValue.matcher(out).replaceAll("$1$2" + Matcher.quoteReplacement(MASK));
        if (out.contains("bwk_")) {
            out = API_KEY.matcher(out).replaceAll(Matcher.quoteReplacement("bwk_" + MASK));
        }
        return out;
    }
}
