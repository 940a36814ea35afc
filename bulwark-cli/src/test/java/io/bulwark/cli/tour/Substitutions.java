package io.bulwark.cli.tour;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The changes the tour test makes to a command before running it, each a pure function of the
 * command and what earlier commands printed. {@link TourRunner} applies them; {@code ReadmeTourIT}'s
 * Javadoc says why each is needed.
 */
final class Substitutions {

    /** The key placeholder the README writes. */
    static final Pattern KEY_PLACEHOLDER = Pattern.compile("bwk_\\.\\.\\.");
    /** A key as {@code keys create} prints it. */
    static final Pattern KEY = Pattern.compile("bwk_[A-Za-z0-9_-]{20,}");
    /** {@code <id>}, {@code <run id>}, {@code <job id>}. */
    static final Pattern ID_PLACEHOLDER = Pattern.compile("<(?:[a-z]+ )*id>");
    /** Job and run ids are UUIDs. */
    static final Pattern ID = Pattern.compile("\\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\b");
    /** A PostgreSQL JDBC URL, up to white space or a quote. */
    static final Pattern POSTGRES_URL = Pattern.compile("jdbc:postgresql://[^\\s'\"]+");
    /** Where a tour names a port of its own: a listen flag or a local URL. */
    private static final Pattern NAMED_PORT = Pattern.compile(
            "(?:--port[ =]|--server\\.port[ =]|localhost:|127\\.0\\.0\\.1:)(\\d{2,5})(?!\\d)");
    private static final Pattern PORT_FLAG = Pattern.compile("--(?:server\\.)?port[ =](\\d{1,5})(?!\\d)");

    private final Map<Integer, Integer> ports;

    /** @param ports each port the tour names, mapped to the free port used instead */
    Substitutions(Map<Integer, Integer> ports) {
        this.ports = Map.copyOf(ports);
    }

    /**
     * The ports the commands name as their own (listen flags, {@code localhost:N},
     * {@code 127.0.0.1:N}), leaving out those inside JDBC URLs: those are services the test
     * provides (a database), not ports the tour's processes bind.
     */
    static Set<Integer> portsNamed(Collection<Tour.Command> commands) {
        Set<Integer> named = new TreeSet<>();
        for (Tour.Command c : commands) {
            Matcher m = NAMED_PORT.matcher(c.text().replaceAll("\\S*jdbc:\\S*", ""));
            while (m.find()) {
                named.add(Integer.parseInt(m.group(1)));
            }
        }
        return named;
    }

    /** The port used in place of {@code port}: its substitute, or itself when the tour never named it. */
    int port(int port) {
        return ports.getOrDefault(port, port);
    }

    /** Every named port replaced by its substitute (as a whole number, wherever it stands). */
    String ports(String text) {
        String out = text;
        for (Map.Entry<Integer, Integer> e : ports.entrySet()) {
            out = out.replaceAll("(?<![\\w.])" + e.getKey() + "(?!\\w)", String.valueOf(e.getValue()));
        }
        return out;
    }

    /** The port a long-running command listens on, from {@code --port N}; or {@code fallback}. */
    static int listenPort(String text, int fallback) {
        Matcher m = PORT_FLAG.matcher(text);
        return m.find() ? Integer.parseInt(m.group(1)) : fallback;
    }

    /**
     * {@code bwk_...} replaced by {@code key}.
     *
     * @throws IllegalStateException when the command has the placeholder and no key was printed yet
     */
    static String key(String text, String key) {
        if (!KEY_PLACEHOLDER.matcher(text).find()) {
            return text;
        }
        if (key == null) {
            throw new IllegalStateException("it uses bwk_... but no earlier command printed an API key (bwk_<id>_<secret>)");
        }
        return KEY_PLACEHOLDER.matcher(text).replaceAll(Matcher.quoteReplacement(key));
    }

    /**
     * {@code <id>}, {@code <run id>} ... replaced by the first id (a UUID) in {@code previousOutput}.
     *
     * @throws IllegalStateException when the command has a placeholder and the previous command printed no id
     */
    static String ids(String text, String previousOutput) {
        Matcher placeholder = ID_PLACEHOLDER.matcher(text);
        if (!placeholder.find()) {
            return text;
        }
        Matcher id = ID.matcher(previousOutput == null ? "" : previousOutput);
        if (!id.find()) {
            throw new IllegalStateException("it uses " + placeholder.group() + " but the previous command printed no id"
                    + " (a UUID); its output was:\n" + previousOutput);
        }
        return ID_PLACEHOLDER.matcher(text).replaceAll(id.group());
    }

    /** True when the command needs PostgreSQL. */
    static boolean needsPostgres(String text) {
        return POSTGRES_URL.matcher(text).find();
    }

    /** Every PostgreSQL URL replaced by {@code url}, single-quoted for the shell (it may hold {@code ?}). */
    static String database(String text, String url) {
        return POSTGRES_URL.matcher(text).replaceAll(Matcher.quoteReplacement("'" + url + "'"));
    }

    /** For messages: {@code 8080 -> 41234, 9000 -> 41235}. */
    @Override
    public String toString() {
        Map<Integer, Integer> sorted = new LinkedHashMap<>();
        new TreeSet<>(ports.keySet()).forEach(p -> sorted.put(p, ports.get(p)));
        StringBuilder s = new StringBuilder();
        sorted.forEach((from, to) -> s.append(s.isEmpty() ? "" : ", ").append(from).append(" -> ").append(to));
        return s.toString();
    }
}
