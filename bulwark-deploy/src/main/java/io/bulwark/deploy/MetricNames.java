package io.bulwark.deploy;

import io.bulwark.deploy.internal.Alert;
import io.bulwark.deploy.internal.Alerts;
import io.bulwark.deploy.internal.Dashboards;
import io.bulwark.deploy.internal.Panel;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names the generated alert rules and dashboards query, as Prometheus sees them
 * ({@code bulwark_jobs_dead_total}, {@code hikaricp_connections_pending}), with
 * {@code bulwark_build_info} (the dashboards' node variable reads it) and without {@code up}, which
 * Prometheus makes itself. A test scrapes a running server and checks that each is served,
 * so a renamed metric cannot leave a dashboard empty or an alert silent.
 */
public final class MetricNames {

    /** Every metric in the generated queries carries a selector, so a name is what stands before a '{'. */
    private static final Pattern SELECTOR = Pattern.compile("(?<![\\w:$])([a-zA-Z_:][a-zA-Z0-9_:]*)\\{");

    private MetricNames() {
    }

    /** The names used by the alerts and dashboards for {@code settings}. */
    public static Set<String> used(DeploySettings settings) {
        Set<String> out = new TreeSet<>();
        for (Alert a : Alerts.of(settings)) {
            add(out, a.expr());
        }
        for (Dashboards.Dashboard d : Dashboards.all()) {
            for (Panel p : d.panels()) {
                p.queries().forEach(q -> add(out, q.expr()));
            }
        }
        out.add("bulwark_build_info");
        out.remove("up");
        return out;
    }

    private static void add(Set<String> out, String expr) {
        Matcher m = SELECTOR.matcher(expr);
        while (m.find()) {
            out.add(m.group(1));
        }
    }
}
