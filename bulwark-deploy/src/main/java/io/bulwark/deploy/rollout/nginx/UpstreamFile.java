package io.bulwark.deploy.rollout.nginx;

import java.math.BigInteger;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text of the upstream file: one {@code upstream} block whose server weights split traffic
 * between the stable and the canary servers, and a marker comment holding the weight it was
 * written for, which is what {@link NginxDriver#weight()} reads back.
 *
 * <p>nginx weights are whole numbers of at least 1, so a side with no share is not given weight 0:
 * its servers are written {@code down} (kept in the file so it still shows both sides). Within a
 * side the share is spread evenly over its servers: each stable server gets
 * {@code (100 - w) * canaryCount} and each canary server {@code w * stableCount}, divided by their
 * greatest common divisor, so the sides' totals are exactly in the ratio {@code 100 - w : w}.
 */
final class UpstreamFile {

    static final String MARKER = "# bulwark-weight: ";
    private static final Pattern MARKER_LINE = Pattern.compile("^" + Pattern.quote(MARKER) + "(\\d{1,3})\\s*$", Pattern.MULTILINE);

    private UpstreamFile() {
    }

    static String render(String upstream, List<String> stable, List<String> canary, int weight) {
        long stableEach = (long) (100 - weight) * canary.size();
        long canaryEach = (long) weight * stable.size();
        long g = BigInteger.valueOf(stableEach).gcd(BigInteger.valueOf(canaryEach)).longValue();
        if (g > 1) {
            stableEach /= g;
            canaryEach /= g;
        }
        StringBuilder out = new StringBuilder()
                .append("# Written by Bulwark's nginx rollout driver; the next rollout step replaces it, do not edit.\n")
                .append("# ").append(100 - weight).append("% to stable ").append(String.join(" ", stable))
                .append(", ").append(weight).append("% to canary ").append(String.join(" ", canary)).append('\n')
                .append(MARKER).append(weight).append('\n')
                .append("upstream ").append(upstream).append(" {\n");
        server(out, stable, stableEach, "stable");
        server(out, canary, canaryEach, "canary");
        return out.append("}\n").toString();
    }

    private static void server(StringBuilder out, List<String> servers, long weight, String side) {
        for (String s : servers) {
            out.append("    server ").append(s).append(weight > 0 ? " weight=" + weight : " down")
                    .append(";  # ").append(side).append('\n');
        }
    }

    /** The weight in the marker, if the text has one. */
    static OptionalInt weight(String text) {
        Matcher m = MARKER_LINE.matcher(text);
        if (!m.find()) {
            return OptionalInt.empty();
        }
        int w = Integer.parseInt(m.group(1));
        return w <= 100 ? OptionalInt.of(w) : OptionalInt.empty();
    }
}
