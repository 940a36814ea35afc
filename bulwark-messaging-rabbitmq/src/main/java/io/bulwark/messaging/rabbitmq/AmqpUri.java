package io.bulwark.messaging.rabbitmq;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Where a RabbitMQ broker is, read from {@code amqp://user:password@host:port/vhost} (or
 * {@code amqps://} for TLS), as RabbitMQ's URI spec has it: the user, the password and the vhost
 * percent-encoded (the default vhost {@code /} is {@code %2F}, and a URI without a path, or with
 * {@code /} alone, means it too); user and password default to {@code guest}, the port to 5672
 * (5671 with TLS).
 *
 * <p>The password never appears in a message: {@link #toString()} and every error show
 * {@code ***} in its place, and a URI that cannot be read is never quoted.
 */
record AmqpUri(boolean tls, String host, int port, String user, String password, String vhost) {

    private static final String SHAPE = "amqp://user:password@host:5672/vhost";

    /** Reads {@code uri}; the first problem, naming {@code uri}, never quoting the password. */
    static AmqpUri parse(String uri) {
        if (uri == null || uri.isBlank()) {
            throw new IllegalArgumentException("uri must be set, as in " + SHAPE);
        }
        String scheme = uri.contains("://") ? uri.substring(0, uri.indexOf("://")) : null;
        if (scheme == null || !(scheme.equalsIgnoreCase("amqp") || scheme.equalsIgnoreCase("amqps"))) {
            throw new IllegalArgumentException("uri must start with amqp:// or amqps://, as in " + SHAPE
                    + (scheme != null && scheme.matches("[A-Za-z][A-Za-z0-9+.-]{0,9}") ? ", but starts with " + scheme + "://"
                    : ", but does not"));
        }
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (URISyntaxException e) {
            // The exception's own message quotes the whole URI, password and all: only its reason is kept.
            throw new IllegalArgumentException("uri is not a URI like " + SHAPE + ": " + e.getReason() + " at character "
                    + e.getIndex() + " (percent-encode '@', ':', '/' and '%' in the user, password and vhost)");
        }
        boolean tls = scheme.equalsIgnoreCase("amqps");
        if (parsed.getHost() == null) {
            throw new IllegalArgumentException("uri must name a host, as in " + SHAPE
                    + " (percent-encode '@', ':' and '/' in the user and password)");
        }
        if (parsed.getRawQuery() != null || parsed.getRawFragment() != null) {
            throw new IllegalArgumentException("uri: query parameters and fragments are not read; set them on the builder");
        }
        int port = parsed.getPort() == -1 ? (tls ? 5671 : 5672) : parsed.getPort();
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("uri: the port must be from 1 to 65535 but was " + port);
        }
        String user = "guest";
        String password = "guest";
        String info = parsed.getRawUserInfo();
        if (info != null) {
            int colon = info.indexOf(':');
            user = decode(colon < 0 ? info : info.substring(0, colon));
            password = colon < 0 ? "" : decode(info.substring(colon + 1));
            if (user.isEmpty()) {
                throw new IllegalArgumentException("uri names a password but no user, as in " + SHAPE);
            }
        }
        String path = parsed.getRawPath() == null ? "" : parsed.getRawPath();
        String vhost = path.isEmpty() || path.equals("/") ? null : path.substring(1);
        if (vhost != null && vhost.contains("/")) {
            throw new IllegalArgumentException("uri: the vhost is one path segment (write the vhost / as %2F) but the path was "
                    + quote(path));
        }
        String host = parsed.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new AmqpUri(tls, host, port, user, password, vhost == null ? "/" : decode(vhost));
    }

    /** The URI with {@code ***} for the password, for messages and logs. */
    @Override
    public String toString() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        String path = vhost.equals("/") ? "" : "/" + URLEncoder.encode(vhost, StandardCharsets.UTF_8).replace("+", "%20");
        return (tls ? "amqps" : "amqp") + "://" + URLEncoder.encode(user, StandardCharsets.UTF_8) + ":***@" + h + ":"
                + port + path;
    }

    private static String decode(String raw) {
        // URLDecoder reads '+' as a space, which is a form's rule, not a URI's.
        return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String quote(String s) {
        return "'" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "'";
    }
}
