package io.bulwark.jdbc.database;

import java.util.regex.Pattern;

/** Showing a JDBC URL without the secrets some users put in it. */
public final class StoreUrls {

    private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)(password|pwd|sslpassword|sslkey)=[^&;]*");
    private static final Pattern USER_INFO = Pattern.compile("//([^/@?]*)@");

    private StoreUrls() {
    }

    /**
     * {@code url} with passwords in query parameters and in {@code user:password@} replaced by
     * {@code ***}, for logs, errors and status output.
     */
    public static String redact(String url) {
        if (url == null) {
            return "null";
        }
        String out = PASSWORD_PARAM.matcher(url).replaceAll("$1=***");
        return USER_INFO.matcher(out).replaceAll("//***@");
    }
}
