package io.bulwark.deploy.internal;

import java.util.List;
import java.util.Map;

/**
 * One alerting rule with what goes with it: the runbook's text and the fixture its unit test for
 * {@code promtool test rules} is made from. Annotations use only {@code {{ $labels.x }}}, never
 * {@code $value}, so the expected annotations of the unit test can be rendered here exactly.
 *
 * @param name        the alert's name, also the runbook's file name
 * @param severity    {@code critical} (someone should act now) or {@code warning}
 * @param expr        PromQL
 * @param forDuration how long the condition must hold, Prometheus syntax ({@code 5m}), or null
 * @param summary     one line, may use {@code {{ $labels.x }}}
 * @param description what it means, may use {@code {{ $labels.x }}}
 * @param runbook     the runbook's sections
 * @param test        series that make it fire, and when
 */
public record Alert(String name, String severity, String expr, String forDuration, String summary,
                    String description, Runbook runbook, Fixture test) {

    /**
     * A runbook page.
     *
     * @param symptoms   what users and operators see
     * @param diagnose   commands and queries, each a Markdown line (code in backticks)
     * @param remedies   what to do, in order
     * @param escalation when and to whom
     */
    public record Runbook(String symptoms, List<String> diagnose, List<String> remedies, String escalation) {
    }

    /**
     * The unit test: input series at a one-minute interval, a time at which the alert must not be
     * firing yet, and a time at which it fires with exactly {@code labels} (besides {@code alertname}).
     */
    public record Fixture(List<Series> series, String quietAt, String firingAt, Map<String, String> labels) {
    }

    /** An input series in promtool's notation: {@code up{job="a"}} and {@code 1 1 0x5}. */
    public record Series(String series, String values) {
    }

    /** The annotation text with {@code {{ $labels.x }}} replaced by the fixture's labels, as Prometheus renders it. */
    public static String render(String template, Map<String, String> labels) {
        String out = template;
        for (Map.Entry<String, String> e : labels.entrySet()) {
            out = out.replace("{{ $labels." + e.getKey() + " }}", e.getValue());
        }
        return out;
    }
}
