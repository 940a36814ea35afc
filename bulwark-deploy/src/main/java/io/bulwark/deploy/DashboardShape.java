package io.bulwark.deploy;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a dashboard needs for Grafana to import it and for it to work against any Prometheus
 * data source: a uid of at most 40 characters, a title, a {@code datasource} variable that every
 * panel and query uses, unique panel ids, and a grid position and at least one query per panel.
 */
final class DashboardShape {

    private DashboardShape() {
    }

    static List<String> problems(String file, JsonNode d) {
        List<String> out = new ArrayList<>();
        String uid = d.path("uid").asText("");
        if (uid.isEmpty() || uid.length() > 40) {
            out.add(file + ": uid must be 1 to 40 characters but was '" + uid + "'");
        }
        if (d.path("title").asText("").isBlank()) {
            out.add(file + ": no title");
        }
        boolean variable = false;
        for (JsonNode v : d.path("templating").path("list")) {
            variable |= v.path("name").asText().equals("datasource") && v.path("type").asText().equals("datasource");
        }
        if (!variable) {
            out.add(file + ": no 'datasource' variable of type datasource");
        }
        Set<Integer> ids = new HashSet<>();
        for (JsonNode p : d.path("panels")) {
            String where = file + " panel '" + p.path("title").asText() + "'";
            if (!p.path("id").canConvertToInt() || !ids.add(p.path("id").asInt())) {
                out.add(where + ": id missing or repeated");
            }
            JsonNode grid = p.path("gridPos");
            if (!grid.has("x") || !grid.has("y") || !grid.has("w") || !grid.has("h")
                    || grid.path("x").asInt() + grid.path("w").asInt() > 24) {
                out.add(where + ": gridPos must have x, y, w, h within 24 columns");
            }
            if (!p.path("datasource").path("uid").asText().equals("${datasource}")) {
                out.add(where + ": datasource must be ${datasource}");
            }
            if (!p.path("targets").isArray() || p.path("targets").isEmpty()) {
                out.add(where + ": no targets");
            }
            for (JsonNode t : p.path("targets")) {
                if (t.path("expr").asText("").isBlank()) {
                    out.add(where + " target " + t.path("refId").asText() + ": empty expr");
                }
            }
        }
        return out;
    }
}
