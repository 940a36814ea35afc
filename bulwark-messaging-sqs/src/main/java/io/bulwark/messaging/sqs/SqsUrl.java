package io.bulwark.messaging.sqs;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where an SQS broker is, read from its URL, in one of two forms:
 *
 * <ul>
 *   <li>{@code sqs://eu-west-1}: Amazon SQS in that region, at the endpoint the AWS SDK resolves
 *       for it;</li>
 *   <li>{@code https://sqs.eu-west-1.amazonaws.com} or {@code http://127.0.0.1:9324?region=elasticmq}:
 *       that endpoint (a VPC endpoint, ElasticMQ, LocalStack). The region comes from
 *       {@code ?region=}, else from an AWS host name ({@code sqs.<region>.amazonaws.com}), else
 *       from the SDK's default chain ({@code AWS_REGION}, the profile).</li>
 * </ul>
 *
 * <p>Either form may carry credentials as {@code ACCESS_KEY_ID:SECRET_ACCESS_KEY@} before the host,
 * percent-encoded (a secret key's {@code /} is {@code %2F}, its {@code +} is {@code %2B}); without
 * them the SDK's default chain finds credentials (environment, profile, web identity, container or
 * instance role). The secret key never appears in a message: {@link #toString()} and every error
 * show {@code ***} in place of the credentials, and a URL that cannot be read is never quoted.
 *
 * @param endpoint the endpoint to call, or null for the SDK's endpoint of {@code region}
 * @param region the signing region, or null for the SDK's default chain
 * @param accessKeyId the access key id, or null for the SDK's default chain
 * @param secretAccessKey its secret, or null
 */
record SqsUrl(URI endpoint, String region, String accessKeyId, String secretAccessKey) {

    static final String SHAPES = "sqs://eu-west-1, https://sqs.eu-west-1.amazonaws.com or http://127.0.0.1:9324?region=elasticmq";
    private static final Pattern REGION = Pattern.compile("[A-Za-z0-9-]{1,64}");
    private static final Pattern AWS_HOST = Pattern.compile("sqs(?:-fips)?\\.([a-z0-9-]+)\\.amazonaws\\.com(?:\\.cn)?",
            Pattern.CASE_INSENSITIVE);

    /** Reads {@code url}; the first problem, naming {@code url}, never quoting the credentials. */
    static SqsUrl parse(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("url must be set, as in " + SHAPES);
        }
        String scheme = url.contains("://") ? url.substring(0, url.indexOf("://")).toLowerCase(java.util.Locale.ROOT) : null;
        if (scheme == null || !(scheme.equals("sqs") || scheme.equals("https") || scheme.equals("http"))) {
            throw new IllegalArgumentException("url must start with sqs://, https:// or http://, as in " + SHAPES
                    + (scheme != null && scheme.matches("[a-z][a-z0-9+.-]{0,9}") ? ", but starts with " + scheme + "://"
                    : ", but does not"));
        }
        URI parsed;
        try {
            parsed = new URI(url);
        } catch (URISyntaxException e) {
            // The exception's own message quotes the whole URL, secret and all: only its reason is kept.
            throw new IllegalArgumentException("url is not a URL like " + SHAPES + ": " + e.getReason() + " at character "
                    + e.getIndex() + " (percent-encode '@', ':', '/' and '+' in the access key and secret)");
        }
        if (parsed.getHost() == null) {
            throw new IllegalArgumentException("url must name " + (scheme.equals("sqs") ? "a region" : "a host") + ", as in "
                    + SHAPES + " (percent-encode '@', ':', '/' and '+' in the access key and secret)");
        }
        String path = parsed.getRawPath() == null ? "" : parsed.getRawPath();
        if (!path.isEmpty() && !path.equals("/")) {
            throw new IllegalArgumentException("url: give the endpoint, not a queue's URL (queues are named by topic and "
                    + "group); the path " + quote(path) + " is not read");
        }
        if (parsed.getRawFragment() != null) {
            throw new IllegalArgumentException("url: a fragment (#...) is not read");
        }
        String region = query(parsed.getRawQuery());
        String[] credentials = credentials(parsed.getRawUserInfo());
        if (scheme.equals("sqs")) {
            if (parsed.getPort() != -1) {
                throw new IllegalArgumentException("url: sqs://<region> names a region, which has no port; for an endpoint"
                        + " of your own write http://host:port?region=...");
            }
            if (region != null) {
                throw new IllegalArgumentException("url: sqs://<region> names its region already; leave out ?region=");
            }
            region = requireRegion(parsed.getHost());
            return new SqsUrl(null, region, credentials[0], credentials[1]);
        }
        if (parsed.getPort() != -1 && (parsed.getPort() < 1 || parsed.getPort() > 65535)) {
            throw new IllegalArgumentException("url: the port must be from 1 to 65535 but was " + parsed.getPort());
        }
        if (region == null) {
            Matcher aws = AWS_HOST.matcher(parsed.getHost());
            region = aws.matches() ? aws.group(1).toLowerCase(java.util.Locale.ROOT) : null;
        }
        String host = parsed.getHost();
        URI endpoint = URI.create(scheme + "://" + host + (parsed.getPort() == -1 ? "" : ":" + parsed.getPort()));
        return new SqsUrl(endpoint, region, credentials[0], credentials[1]);
    }

    private static String query(String raw) {
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        String region = null;
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            if (!name.equals("region")) {
                throw new IllegalArgumentException("url: the parameter " + quote(decode(name)) + " is not read (only region"
                        + " is); set the others as the connection's options");
            }
            if (region != null) {
                throw new IllegalArgumentException("url: region is given twice");
            }
            region = requireRegion(eq < 0 ? "" : decode(pair.substring(eq + 1)));
        }
        return region;
    }

    private static String requireRegion(String region) {
        if (!REGION.matcher(region).matches()) {
            throw new IllegalArgumentException("url: the region must be 1-64 letters, digits or '-', as in eu-west-1, but was "
                    + quote(region));
        }
        return region;
    }

    private static String[] credentials(String info) {
        if (info == null) {
            return new String[2];
        }
        int colon = info.indexOf(':');
        String key = decode(colon < 0 ? info : info.substring(0, colon));
        String secret = colon < 0 ? "" : decode(info.substring(colon + 1));
        if (key.isEmpty() || secret.isEmpty()) {
            throw new IllegalArgumentException("url: credentials are ACCESS_KEY_ID:SECRET_ACCESS_KEY@ before the host, both"
                    + " set (or leave both out for the SDK's default chain), but " + (key.isEmpty() ? "the access key id"
                    : "the secret access key") + " is empty");
        }
        return new String[] {key, secret};
    }

    /** The URL as given, with {@code ***} for the credentials, for messages and logs. */
    @Override
    public String toString() {
        String who = accessKeyId == null ? "" : "***@";
        if (endpoint == null) {
            return "sqs://" + who + region;
        }
        return endpoint.getScheme() + "://" + who + endpoint.getRawAuthority() + (region == null ? "" : "?region=" + region);
    }

    private static String decode(String raw) {
        // URLDecoder reads '+' as a space, which is a form's rule, not a URL's.
        try {
            return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("url: a '%' is not followed by two hex digits (write '%' itself as %25)");
        }
    }

    private static String quote(String s) {
        return "'" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "'";
    }
}
