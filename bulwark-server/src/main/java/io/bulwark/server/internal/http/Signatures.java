package io.bulwark.server.internal.http;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

/**
 * The signature Bulwark puts on what it sends out (event webhooks, gateway callbacks):
 * {@code X-Bulwark-Signature: sha256=<hex HMAC-SHA256(key, body)>}, so a receiver holding the
 * key can tell the body came from Bulwark unchanged.
 */
public final class Signatures {

    /** The header that carries the signature. */
    public static final String HEADER = "X-Bulwark-Signature";

    private Signatures() {
    }

    /** The header's value for {@code body} under {@code key}: {@code sha256=<lower-case hex>}. */
    public static String sign(String key, String body) {
        return "sha256=" + hmacSha256Hex(key, body);
    }

    /** HMAC-SHA256 of {@code body} (UTF-8) under {@code key} (UTF-8), in lower-case hex. */
    public static String hmacSha256Hex(String key, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
