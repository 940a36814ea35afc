package io.bulwark.deploy.internal;

import io.bulwark.deploy.Artifact;
import io.bulwark.deploy.DeploySettings;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Grafana dashboards as JSON (one file each under {@code grafana/dashboards/}) with a
 * {@code datasource} variable, so they import into any Grafana with a Prometheus data source, and
 * provisioning files that load them from disk ({@code grafana/provisioning/}).
 */
public final class GrafanaFiles {

    /** Where the provisioning file tells Grafana the dashboards are (mount {@code grafana/dashboards} there). */
    public static final String DASHBOARDS_PATH = "/var/lib/grafana/dashboards/bulwark";

    private static final int WIDTH = 24;

    private GrafanaFiles() {
    }

    public static List<Artifact> generate(DeploySettings s) {
        List<Artifact> out = new ArrayList<>();
        for (Dashboards.Dashboard d : Dashboards.all()) {
            out.add(new Artifact("grafana/dashboards/" + s.name() + "-" + d.id() + ".json", Documents.json(dashboard(s, d))));
        }
        Map<String, Object> provider = new LinkedHashMap<>();
        provider.put("name", s.name());
        provider.put("folder", s.name());
        provider.put("type", "file");
        provider.put("allowUiUpdates", false);
        provider.put("options", Documents.map("path", DASHBOARDS_PATH));
        out.add(new Artifact("grafana/provisioning/dashboards/" + s.name() + ".yml",
                Documents.yaml(Documents.map("apiVersion", 1, "providers", List.of(provider)))));
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("name", "Prometheus");
        source.put("type", "prometheus");
        source.put("access", "proxy");
        source.put("url", "http://prometheus:9090");
        source.put("isDefault", true);
        out.add(new Artifact("grafana/provisioning/datasources/prometheus.yml",
                "# Point url at your Prometheus; the dashboards pick the data source through their variable.\n"
                        + Documents.yaml(Documents.map("apiVersion", 1, "datasources", List.of(source)))));
        return out;
    }

    /** The uid: at most 40 characters, Grafana's limit, unique per application and dashboard. */
    static String uid(DeploySettings s, Dashboards.Dashboard d) {
        String suffix = "-" + d.id();
        String name = s.name().length() + suffix.length() > 40 ? s.name().substring(0, 40 - suffix.length()) : s.name();
        return name + suffix;
    }

    private static Map<String, Object> dashboard(DeploySettings s, Dashboards.Dashboard d) {
        Map<String, Object> ds = Documents.map("type", "prometheus", "uid", "${datasource}");
        String selector = "job=\"" + s.name() + "\", instance=~\"$instance\"";
        List<Map<String, Object>> panels = new ArrayList<>();
        int x = 0;
        int y = 0;
        int id = 1;
        for (Panel p : d.panels()) {
            boolean stat = p.kind().equals("stat");
            int w = stat ? 6 : 12;
            int h = stat ? 4 : 8;
            if (x + w > WIDTH) {
                x = 0;
                y += 8;
            }
            List<Map<String, Object>> targets = new ArrayList<>();
            char ref = 'A';
            for (Panel.Query q : p.queries()) {
                Map<String, Object> t = new LinkedHashMap<>();
                t.put("refId", String.valueOf(ref++));
                t.put("datasource", ds);
                t.put("expr", q.expr().replace("$sel", selector));
                t.put("legendFormat", q.legend());
                targets.add(t);
            }
            Map<String, Object> panel = new LinkedHashMap<>();
            panel.put("id", id++);
            panel.put("type", p.kind());
            panel.put("title", p.title());
            panel.put("datasource", ds);
            panel.put("gridPos", Documents.map("x", x, "y", y, "w", w, "h", h));
            panel.put("fieldConfig", Documents.map("defaults", Documents.map("unit", p.unit()), "overrides", List.of()));
            panel.put("targets", targets);
            panels.add(panel);
            x += w;
        }
        Map<String, Object> datasource = new LinkedHashMap<>();
        datasource.put("name", "datasource");
        datasource.put("label", "Data source");
        datasource.put("type", "datasource");
        datasource.put("query", "prometheus");
        Map<String, Object> instance = new LinkedHashMap<>();
        instance.put("name", "instance");
        instance.put("label", "Node");
        instance.put("type", "query");
        instance.put("datasource", ds);
        instance.put("query", "label_values(bulwark_build_info{job=\"" + s.name() + "\"}, instance)");
        instance.put("refresh", 2);
        instance.put("includeAll", true);
        instance.put("multi", true);
        instance.put("allValue", ".*");
        instance.put("current", Documents.map("text", "All", "value", "$__all"));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("uid", uid(s, d));
        out.put("title", s.name() + " / " + d.title());
        out.put("tags", List.of("bulwark", s.name()));
        out.put("timezone", "browser");
        out.put("schemaVersion", 39);
        out.put("version", 1);
        out.put("editable", true);
        out.put("refresh", "30s");
        out.put("time", Documents.map("from", "now-6h", "to", "now"));
        out.put("templating", Documents.map("list", List.of(datasource, instance)));
        out.put("panels", panels);
        return out;
    }
}
