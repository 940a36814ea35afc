package io.bulwark.messaging.kafka;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Where a Kafka cluster is, read from {@code kafka://host:9092[,host2:9092...]}: the bootstrap
 * servers, each {@code host[:port]} (port 9092 when left out; an IPv6 address in brackets).
 * {@code kafkas://} connects with TLS (the JVM's trust store unless client properties say
 * otherwise). A user and password, percent-encoded, before an {@code @} sign in SASL
 * ({@code kafkas://app:secret@broker:9093}), with the mechanism the builder names (default PLAIN).
 *
 * <p>The password never appears in a message: {@link #toString()} and every error show
 * {@code ***} in its place, and a URL that cannot be read is never quoted whole.
 *
 * @param servers the bootstrap servers as {@code host:port}, in the order given
 * @param tls whether to connect with TLS
 * @param user the SASL user, or null for none
 * @param password the SASL password, or null for none
 */
record KafkaUrl(List<String> servers, boolean tls, String user, String password) {

    static final int DEFAULT_PORT = 9092;
    private static final String SHAPE = "kafka://host:9092[,host2:9092]";
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,252}[A-Za-z0-9])?");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    KafkaUrl {
        servers = List.copyOf(servers);
    }

    /** Reads {@code url}; the first problem, naming {@code url}, never quoting the password. */
    static KafkaUrl parse(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("url must be set, as in " + SHAPE);
        }
        int sep = url.indexOf("://");
        String scheme = sep < 0 ? null : url.substring(0, sep);
        if (scheme == null || !(scheme.equalsIgnoreCase("kafka") || scheme.equalsIgnoreCase("kafkas"))) {
            throw new IllegalArgumentException("url must start with kafka:// (or kafkas:// for TLS), as in " + SHAPE
                    + (scheme != null && scheme.matches("[A-Za-z][A-Za-z0-9+.-]{0,9}") ? ", but starts with " + scheme + "://"
                    : ", but does not"));
        }
        boolean tls = scheme.equalsIgnoreCase("kafkas");
        String rest = url.substring(sep + 3);
        if (rest.contains("?") || rest.contains("#")) {
            throw new IllegalArgumentException("url: query parameters and fragments are not read; set them as options "
                    + "(partitions, prefix, saslMechanism, client.<kafka property>)");
        }
        // The user info ends at the last '@': a password may hold one only percent-encoded, but a
        // stray one must not make the password part of a host name in an error.
        int at = rest.lastIndexOf('@');
        String user = null;
        String password = null;
        if (at >= 0) {
            String info = rest.substring(0, at);
            rest = rest.substring(at + 1);
            int colon = info.indexOf(':');
            user = decode(colon < 0 ? info : info.substring(0, colon), "user");
            password = colon < 0 ? "" : decode(info.substring(colon + 1), "password");
            if (user.isEmpty()) {
                throw new IllegalArgumentException("url names a password but no user, as in kafkas://user:password@host:9093");
            }
        }
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        if (rest.contains("/")) {
            throw new IllegalArgumentException("url: a Kafka URL has no path, only servers, as in " + SHAPE);
        }
        if (rest.isEmpty()) {
            throw new IllegalArgumentException("url must name at least one server, as in " + SHAPE);
        }
        List<String> servers = new ArrayList<>();
        String[] parts = rest.split(",", -1);
        for (int i = 0; i < parts.length; i++) {
            servers.add(server(parts[i].trim(), parts.length == 1 ? "the server" : "server " + (i + 1)));
        }
        return new KafkaUrl(servers, tls, user, password);
    }

    /** {@code host:port} for one server, checked. */
    private static String server(String s, String which) {
        String host;
        String port = null;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("url: " + which + " opens an IPv6 address with '[' but does not close it");
            }
            host = s.substring(1, close);
            String after = s.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw new IllegalArgumentException("url: " + which + " has '" + clip(after) + "' after its address");
                }
                port = after.substring(1);
            }
            if (!IPV6.matcher(host).matches()) {
                throw new IllegalArgumentException("url: " + which + " is not an IPv6 address: '" + clip(host) + "'");
            }
            host = "[" + host + "]";
        } else {
            int colon = s.lastIndexOf(':');
            host = colon < 0 ? s : s.substring(0, colon);
            port = colon < 0 ? null : s.substring(colon + 1);
            if (host.isEmpty()) {
                throw new IllegalArgumentException("url must name a host for each server, as in " + SHAPE + ", but "
                        + which + " has none");
            }
            if (!HOST.matcher(host).matches()) {
                throw new IllegalArgumentException("url: " + which + " is not a host name or address: '" + clip(host)
                        + "' (letters, digits, '.' and '-'; an IPv6 address in brackets)");
            }
        }
        int p = DEFAULT_PORT;
        if (port != null) {
            try {
                p = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("url: the port of " + which + " must be a number from 1 to 65535 but was '"
                        + clip(port) + "'");
            }
            if (p < 1 || p > 65535) {
                throw new IllegalArgumentException("url: the port of " + which + " must be from 1 to 65535 but was " + p);
            }
        }
        return host + ":" + p;
    }

    /** The servers as Kafka's {@code bootstrap.servers} reads them. */
    String bootstrapServers() {
        return String.join(",", servers);
    }

    /** Kafka's {@code security.protocol} for this URL. */
    String securityProtocol() {
        if (user == null) {
            return tls ? "SSL" : "PLAINTEXT";
        }
        return tls ? "SASL_SSL" : "SASL_PLAINTEXT";
    }

    /** The URL with {@code ***} for the password, for messages and logs. */
    @Override
    public String toString() {
        String info = user == null ? "" : URLEncoder.encode(user, StandardCharsets.UTF_8) + ":***@";
        return (tls ? "kafkas" : "kafka") + "://" + info + String.join(",", servers);
    }

    private static String decode(String raw, String field) {
        try {
            // URLDecoder reads '+' as a space, which is a form's rule, not a URL's.
            return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("url: the " + field + " is not percent-encoded correctly (write '%' as %25, "
                    + "'@' as %40, ':' as %3A)");
        }
    }

    private static String clip(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
