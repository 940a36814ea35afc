package io.bulwark.providers;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whatever a gateway caller puts in {@code path}, a path {@link ProviderRequest#checkPath}
 * accepts stays under the provider's base path on an upstream that percent-decodes (as often as
 * it likes) and then normalises dot segments.
 */
class GatewayPathPropertiesTest {

    @Property(tries = 3000)
    void anAcceptedPathNeverLeavesTheBasePath(@ForAll("paths") String path) {
        try {
            ProviderRequest.checkPath(path);
        } catch (IllegalArgumentException refused) {
            return;
        }
        String plain = path.indexOf('?') < 0 ? path : path.substring(0, path.indexOf('?'));
        String decoded = plain;
        for (int i = 0; i < 6; i++) {
            decoded = lenientDecode(decoded).replace('\\', '/');
            String normalised = URI.create("http://upstream/base" + encodeForUri(decoded)).normalize().getPath();
            assertThat(normalised).as(path).startsWith("/base");
            assertThat(normalised).as(path).doesNotStartWith("/base..");
        }
    }

    @Provide
    Arbitrary<String> paths() {
        Arbitrary<String> piece = Arbitraries.of(List.of("..", ".", "%2e", "%2E", "%252e", "%25", "%2f", "%2F", "%5c", "%5C",
                "/", "//", ";", "a", "admin", "%", "2e", "%32%65", "?", "%00", "~", "+", "%c0%ae"));
        return piece.list().ofMinSize(1).ofMaxSize(10).map(parts -> "/" + String.join("", parts));
    }

    /** Decodes what it can and leaves a malformed escape as it is, as a forgiving upstream would. */
    private static String lenientDecode(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length() && Character.digit(s.charAt(i + 1), 16) >= 0
                    && Character.digit(s.charAt(i + 2), 16) >= 0) {
                out.write(Character.digit(s.charAt(i + 1), 16) * 16 + Character.digit(s.charAt(i + 2), 16));
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Makes decoded text a legal URI path again without changing its segments. */
    private static String encodeForUri(String decoded) {
        StringBuilder sb = new StringBuilder();
        for (char c : decoded.toCharArray()) {
            if (c == '/' || c == '.' || Character.isLetterOrDigit(c) && c < 0x80) {
                sb.append(c);
            } else {
                sb.append("_");
            }
        }
        return sb.toString();
    }
}
