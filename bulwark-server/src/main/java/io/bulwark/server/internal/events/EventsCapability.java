package io.bulwark.server.internal.events;

import io.bulwark.core.config.BulwarkConfig;
import io.bulwark.core.config.ConfigKey;
import io.bulwark.core.config.Secret;
import io.bulwark.core.events.Event;
import io.bulwark.core.events.EventLog;
import io.bulwark.core.json.Json;
import io.bulwark.server.EventKeys;
import io.bulwark.server.StartupException;
import io.bulwark.server.auth.Role;
import io.bulwark.server.capability.Capability;
import io.bulwark.server.capability.CapabilityFactory;
import io.bulwark.server.capability.ServerContext;
import io.bulwark.server.http.ApiException;
import io.bulwark.server.http.ApiRoutes;
import io.bulwark.server.http.FieldError;
import io.bulwark.server.http.RouteDoc;
import io.javalin.http.Context;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * This node's event log ({@link EventLog}), made first so every capability can publish to it;
 * {@code GET /api/v1/events}; and the sinks: signed webhooks ({@code events.webhooks.<name>.*})
 * and Alertmanager's v2 API ({@code events.alertmanager.url}).
 */
public final class EventsCapability implements Capability {

    /** Always made, first. */
    public static final class Factory implements CapabilityFactory {
        @Override
        public String name() {
            return "events";
        }

        @Override
        public List<ConfigKey<?>> configKeys() {
            return EventKeys.ALL;
        }

        @Override
        public Optional<Capability> create(ServerContext ctx) {
            BulwarkConfig config = ctx.config();
            EventLog log = new EventLog(ctx.clock(), config.get(EventKeys.HISTORY));
            List<EventSender> senders = new ArrayList<>();
            config.getAll(EventKeys.WEBHOOK_URL).forEach((key, url) -> {
                String name = key.substring("events.webhooks.".length(), key.length() - ".url".length());
                Optional<Secret> secret = Optional.ofNullable(config.getAll(EventKeys.WEBHOOK_SECRET)
                        .get("events.webhooks." + name + ".secret"));
                List<String> kinds = Optional.ofNullable(config.getAll(EventKeys.WEBHOOK_KINDS)
                        .get("events.webhooks." + name + ".kinds")).map(k -> Arrays.stream(k.split(",")).map(String::strip)
                        .filter(s -> !s.isEmpty()).toList()).orElse(List.of());
                EventSender sender = new EventSender("webhook-" + name, uri(key, url.reveal()), 5, Duration.ofSeconds(1),
                        ctx.meters());
                senders.add(sender);
                log.subscribe(e -> {
                    if (kinds.isEmpty() || kinds.stream().anyMatch(e.kind()::startsWith)) {
                        String body = json(view(e));
                        Map<String, String> headers = new LinkedHashMap<>();
                        headers.put("X-Bulwark-Event", e.kind());
                        headers.put("X-Bulwark-Delivery", ctx.node() + "-" + e.id());
                        secret.ifPresent(s -> headers.put(io.bulwark.server.internal.http.Signatures.HEADER,
                                io.bulwark.server.internal.http.Signatures.sign(s.reveal(), body)));
                        sender.send(body, headers);
                    }
                });
            });
            config.find(EventKeys.ALERTMANAGER_URL).ifPresent(base -> {
                URI api = uri(EventKeys.ALERTMANAGER_URL.name(), (base.endsWith("/") ? base.substring(0, base.length() - 1)
                        : base) + "/api/v2/alerts");
                EventSender sender = new EventSender("alertmanager", api, 5, Duration.ofSeconds(1), ctx.meters());
                senders.add(sender);
                String node = ctx.identity().name();
                log.subscribe(e -> {
                    if (e.alert() != null) {
                        sender.send(json(List.of(AlertmanagerAlerts.alert(e, node))), Map.of());
                    }
                });
            });
            return Optional.of(new EventsCapability(log, senders, new DeadJobWatch(ctx.meters(), log),
                    config.get(EventKeys.DEAD_JOBS_INTERVAL)));
        }

        private static URI uri(String key, String text) {
            try {
                URI u = URI.create(text);
                if (u.getScheme() == null || !u.getScheme().startsWith("http") || u.getHost() == null) {
                    throw new IllegalArgumentException("not an http(s) URL");
                }
                return u;
            } catch (IllegalArgumentException e) {
                throw new StartupException(key + " must be an http(s) URL but is not (" + e.getMessage() + ")");
            }
        }
    }

    private static String json(Object value) {
        try {
            return Json.mapper().writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, Object> view(Event e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", e.id());
        m.put("at", e.at().toString());
        m.put("kind", e.kind());
        m.put("severity", e.severity().id());
        m.put("subject", e.subject());
        m.put("message", e.message());
        m.put("labels", e.labels());
        if (e.alert() != null) {
            m.put("alert", e.alert());
            m.put("resolved", e.resolved());
        }
        return m;
    }

    private final EventLog log;
    private final List<EventSender> senders;
    private final DeadJobWatch deadJobs;
    private final Duration deadJobsEvery;
    private final java.util.concurrent.ScheduledExecutorService timer = java.util.concurrent.Executors
            .newSingleThreadScheduledExecutor(Thread.ofPlatform().name("bulwark-events").daemon(true).factory());

    private EventsCapability(EventLog log, List<EventSender> senders, DeadJobWatch deadJobs, Duration deadJobsEvery) {
        this.log = log;
        this.senders = senders;
        this.deadJobs = deadJobs;
        this.deadJobsEvery = deadJobsEvery;
    }

    @Override
    public void start() {
        deadJobs.check();
        timer.scheduleAtFixedRate(() -> {
            try {
                deadJobs.check();
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(EventsCapability.class).warn("The dead-job check failed: {}", e.toString());
            }
        }, deadJobsEvery.toMillis(), deadJobsEvery.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** The log every capability publishes to. */
    public EventLog log() {
        return log;
    }

    @Override
    public String name() {
        return "events";
    }

    @Override
    public void routes(ApiRoutes routes) {
        routes.get("/api/v1/events", this::list, Role.VIEWER, RouteDoc.of("This node's recent events")
                .describe("Breaker state changes, degradation episodes, drift from baseline, dead jobs, node deaths, resource limits and "
                        + "leader changes, oldest first; poll with after= the last id to follow.")
                .query("after", Long.class, "only events with a greater id (default 0)")
                .query("kind", String.class, "only kinds starting with this, e.g. breaker.")
                .query("limit", Integer.class, "the newest N, 1 to 1000 (default 100)")
                .answers(200, "`{\"events\":[{\"id\",\"at\",\"kind\",\"severity\",\"subject\",\"message\",\"labels\"}]}`")
                .errors(400));
    }

    private void list(Context ctx) {
        long after = number(ctx, "after", 0, Long.MAX_VALUE, 0);
        int limit = (int) number(ctx, "limit", 1, 1000, 100);
        String kind = Optional.ofNullable(ctx.queryParam("kind")).orElse("");
        ctx.json(Map.of("events", log.after(after, kind, limit).stream().map(EventsCapability::view).toList()));
    }

    private static long number(Context ctx, String name, long min, long max, long otherwise) {
        String text = ctx.queryParam(name);
        if (text == null) {
            return otherwise;
        }
        try {
            long v = Long.parseLong(text);
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ApiException.validation("invalid query", List.of(new FieldError(name, "must be an integer from " + min
                + " to " + max + " but was '" + text + "'")));
    }

    @Override
    public void close() {
        timer.shutdownNow();
        senders.forEach(EventSender::close);
    }

}
