package io.bulwark.core.config;

import java.util.Locale;
import java.util.regex.Pattern;

/** Rules for key names and their environment-variable spelling. */
final class ConfigNames {

    static final String ENV_PREFIX = "BULWARK_";
    private static final Pattern SEGMENT = Pattern.compile("[a-z][a-zA-Z0-9-]*|\\*");

    private ConfigNames() {
    }

    static void requireValidName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a config key name must not be empty");
        }
        int stars = 0;
        for (String segment : name.split("\\.", -1)) {
            if (!SEGMENT.matcher(segment).matches()) {
                throw new IllegalArgumentException("config key '" + name + "' has an invalid segment '" + segment
                        + "': segments are camelCase words or *");
            }
            if (segment.equals("*")) {
                stars++;
            }
        }
        if (stars > 1) {
            throw new IllegalArgumentException("config key '" + name + "' may hold at most one * segment");
        }
    }

    /** {@code server.maxRequestBody} → {@code BULWARK_SERVER_MAX_REQUEST_BODY}. */
    static String toEnv(String name) {
        String snake = name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replace('.', '_').replace('-', '_');
        return ENV_PREFIX + snake.toUpperCase(Locale.ROOT);
    }

    static boolean matches(String pattern, String concrete) {
        String[] p = pattern.split("\\.");
        String[] c = concrete.split("\\.");
        if (p.length != c.length) {
            return false;
        }
        for (int i = 0; i < p.length; i++) {
            if (!p[i].equals("*") && !p[i].equals(c[i])) {
                return false;
            }
            if (p[i].equals("*") && c[i].isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /** Edit distance, for "did you mean" hints. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = Character.toLowerCase(a.charAt(i - 1)) == Character.toLowerCase(b.charAt(j - 1)) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
