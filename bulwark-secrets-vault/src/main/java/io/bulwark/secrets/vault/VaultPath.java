package io.bulwark.secrets.vault;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Where a {@code vault:} reference points: {@code <mount>/<path>#<key>}, the path written as
 * {@code vault kv get} takes it (without the {@code data/} the HTTP API inserts). The mount is the
 * first segment.
 *
 * @param mount the KV version 2 engine's mount, e.g. {@code secret}
 * @param path the secret's path under the mount, e.g. {@code llm/openai}
 * @param key the key in the secret's data, e.g. {@code api_key}
 */
record VaultPath(String mount, String path, String key) {

    static final String SYNTAX = "vault:<mount>/<path>#<key>, e.g. vault:secret/llm#api_key";

    /**
     * Parses {@code location}, the reference without {@code vault:}.
     *
     * @throws IllegalArgumentException saying what is allowed
     */
    static VaultPath parse(String location) {
        int hash = location.indexOf('#');
        if (hash < 0 || hash == location.length() - 1) {
            throw new IllegalArgumentException("a vault reference names a key after '#': " + SYNTAX
                    + ", but 'vault:" + location + "' has none");
        }
        String where = location.substring(0, hash);
        while (where.startsWith("/")) {
            where = where.substring(1);
        }
        List<String> segments = Arrays.asList(where.split("/", -1));
        if (segments.size() < 2 || segments.stream().anyMatch(s -> s.isEmpty() || s.equals(".") || s.equals(".."))) {
            throw new IllegalArgumentException("a vault reference is " + SYNTAX + ", with a mount and a path of "
                    + "non-empty segments and no '.' or '..', but was 'vault:" + location + "'");
        }
        return new VaultPath(segments.get(0), String.join("/", segments.subList(1, segments.size())),
                location.substring(hash + 1));
    }

    /** The path of the KV v2 read endpoint, encoded: {@code /v1/<mount>/data/<path>}. */
    String apiPath() {
        return "/v1/" + encode(mount) + "/data/"
                + Arrays.stream(path.split("/")).map(VaultPath::encode).collect(Collectors.joining("/"));
    }

    /** As a person writes it: {@code secret/llm}. */
    String secret() {
        return mount + "/" + path;
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
