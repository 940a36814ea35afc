package io.bulwark.server.internal.rollouts;

import io.bulwark.deploy.rollout.MetricSource;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Statistic;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code bulwark} metric provider: this server's own meters. A query is a selector
 * {@code name{tag="value",...}} (the Prometheus name, e.g. {@code bulwark_jobs_completed_total},
 * or Micrometer's dotted one) whose value is the sum over the matching meters (a counter's count,
 * a timer's count, a gauge's value), or a ratio of two selectors {@code A / B} (NaN when B is 0),
 * e.g. {@code bulwark_http_requests_total{status="500"} / bulwark_http_requests_total}.
 * The answer is a scalar. Values are cumulative since the server started.
 */
final class MeterSource implements MetricSource {

    private static final Pattern SELECTOR = Pattern.compile("\\s*([a-zA-Z_:][a-zA-Z0-9_:.]*)\\s*(\\{([^}]*)})?\\s*");
    private static final Pattern TAG = Pattern.compile("\\s*([a-zA-Z_][a-zA-Z0-9_.]*)\\s*=\\s*\"([^\"]*)\"\\s*");

    private final MeterRegistry meters;

    MeterSource(MeterRegistry meters) {
        this.meters = meters;
    }

    @Override
    public String provider() {
        return "bulwark";
    }

    @Override
    public void validate(String query) throws MetricException {
        String[] parts = query.split("/", -1);
        if (parts.length > 2) {
            throw new MetricException("'" + query + "' has more than one '/'; use name{tag=\"value\"} or A / B");
        }
        for (String part : parts) {
            selector(part);
        }
    }

    @Override
    public Value query(String query) throws MetricException {
        String[] parts = query.split("/", -1);
        validate(query);
        double top = sum(selector(parts[0]));
        if (parts.length == 1) {
            return Value.scalar(top);
        }
        double bottom = sum(selector(parts[1]));
        return Value.scalar(bottom == 0 ? Double.NaN : top / bottom);
    }

    private double sum(Selector s) {
        double total = 0;
        for (Meter m : meters.getMeters()) {
            if (!s.matches(m)) {
                continue;
            }
            for (Measurement x : m.measure()) {
                if (x.getStatistic() == Statistic.COUNT || x.getStatistic() == Statistic.VALUE) {
                    total += x.getValue();
                    break;
                }
            }
        }
        return total;
    }

    private static Selector selector(String text) throws MetricException {
        Matcher m = SELECTOR.matcher(text);
        if (!m.matches()) {
            throw new MetricException("'" + text.strip() + "' is not a selector; use a meter name with optional tags, "
                    + "e.g. bulwark_jobs_completed_total{queue=\"default\"}");
        }
        Map<String, String> tags = new LinkedHashMap<>();
        if (m.group(3) != null && !m.group(3).isBlank()) {
            for (String pair : m.group(3).split(",")) {
                Matcher t = TAG.matcher(pair);
                if (!t.matches()) {
                    throw new MetricException("tag filter '" + pair.strip() + "' in '" + text.strip()
                            + "' must read name=\"value\"");
                }
                tags.put(t.group(1), t.group(2));
            }
        }
        return new Selector(m.group(1), tags);
    }

    private record Selector(String name, Map<String, String> tags) {
        boolean matches(Meter meter) {
            String id = meter.getId().getName();
            String prom = id.replace('.', '_');
            String wanted = name.endsWith("_total") ? name.substring(0, name.length() - "_total".length()) : name;
            if (!(id.equals(name) || prom.equals(name) || prom.equals(wanted))) {
                return false;
            }
            for (var e : tags.entrySet()) {
                if (!e.getValue().equals(meter.getId().getTag(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }
    }
}
