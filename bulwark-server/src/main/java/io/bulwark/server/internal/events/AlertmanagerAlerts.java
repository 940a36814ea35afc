package io.bulwark.server.internal.events;

import io.bulwark.core.events.Event;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An event as an alert of Alertmanager's v2 API ({@code POST /api/v2/alerts}): {@code alertname}
 * and the event's labels identify it, so a later resolving event (a breaker closing) ends the same
 * alert by sending it with {@code endsAt} now. A one-off event (a node died, jobs went dead) has no
 * resolving event and ends by itself after an hour.
 */
final class AlertmanagerAlerts {

    private static final Duration ONE_OFF = Duration.ofHours(1);

    private AlertmanagerAlerts() {
    }

    static Map<String, Object> alert(Event e, String node) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("alertname", e.alert());
        labels.putAll(e.labels());
        // A resolving event must carry the firing one's labels; sources put the alert's severity in them.
        labels.putIfAbsent("severity", e.severity().id());
        labels.put("source", "bulwark");
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("labels", labels);
        a.put("annotations", Map.of("summary", e.message(), "kind", e.kind(), "node", node));
        a.put("startsAt", e.at().toString());
        if (e.resolved()) {
            a.put("endsAt", e.at().toString());
        } else if (e.kind().equals("node.dead") || e.kind().equals("jobs.dead")) {
            a.put("endsAt", e.at().plus(ONE_OFF).toString());
        }
        return a;
    }
}
