package io.bulwark.deploy.internal;

import java.util.List;

/**
 * One dashboard panel.
 *
 * @param title   what it shows
 * @param kind    {@code timeseries} or {@code stat}
 * @param unit    Grafana's unit id ({@code ops}, {@code s}, {@code percentunit}, {@code bytes}, {@code short})
 * @param queries the PromQL queries with their legends
 */
public record Panel(String title, String kind, String unit, List<Query> queries) {

    /**
     * A query. Selectors carry {@code $sel}, replaced with the application's job and the instance
     * variable; range functions use Grafana's {@code $__rate_interval}.
     */
    public record Query(String expr, String legend) {
    }

    static Panel series(String title, String unit, Query... queries) {
        return new Panel(title, "timeseries", unit, List.of(queries));
    }

    static Panel stat(String title, String unit, Query query) {
        return new Panel(title, "stat", unit, List.of(query));
    }

    static Query q(String expr, String legend) {
        return new Query(expr, legend);
    }
}
