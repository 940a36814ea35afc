package io.bulwark.server.internal.routes;

import io.bulwark.core.BulwarkVersion;
import io.bulwark.core.config.BulwarkConfig;
import io.bulwark.core.features.FeatureFlags;
import io.bulwark.server.auth.Role;
import io.bulwark.server.http.ApiException;
import io.bulwark.server.http.ApiRoutes;
import io.bulwark.server.http.FieldError;
import io.bulwark.server.http.JsonBodies;
import io.bulwark.server.http.RouteDoc;
import io.bulwark.server.logging.LogSetup;
import io.javalin.http.Context;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The server's own resources: {@code /api/v1/server} (viewer), {@code /api/v1/features}
 * (viewer), {@code /api/v1/config} (admin, secrets masked) and {@code /api/v1/loggers} (viewer
 * reads, admin changes: a trace level on Jetty would log request internals).
 */
public final class ServerRoutes {

    /** The body of {@code PUT /api/v1/loggers/{name}}. */
    public record LevelRequest(String level) {
    }

    private static final Set<String> LEVELS = Set.of("trace", "debug", "info", "warn", "error", "off");
    private static final Pattern LOGGER_NAME = Pattern.compile("[A-Za-z0-9_.$]{1,200}|ROOT");

    /** How the docs describe the path parameter. */
    private static final String LOGGER_PARAM = "a logger name such as `io.bulwark`, or `ROOT`";

    private final BulwarkConfig config;
    private final FeatureFlags features;
    private final InstantSource clock;
    private final Instant startedAt;
    private final long bodyLimit;

    public ServerRoutes(BulwarkConfig config, FeatureFlags features, InstantSource clock, Instant startedAt, long bodyLimit) {
        this.config = config;
        this.features = features;
        this.clock = clock;
        this.startedAt = startedAt;
        this.bodyLimit = bodyLimit;
    }

    public void register(ApiRoutes routes) {
        routes.get("/api/v1/server", this::server, Role.VIEWER,
                RouteDoc.of("The server's version, profile, start time, uptime and Java version"));
        routes.get("/api/v1/features", this::features, Role.VIEWER, RouteDoc.of("Every feature flag")
                .answers(200, "`{\"features\":[{\"name\",\"enabled\",\"percentage\"}]}`"));
        routes.get("/api/v1/features/{name}", this::feature, Role.VIEWER, RouteDoc.of("One feature flag")
                .path("name", "the flag's name (`features.<name>` in config)")
                .query("subject", String.class, "a subject id; with it the answer says whether the flag is on for it")
                .answers(200, "`{\"name\",\"enabled\",\"percentage\"}`, with `subject` and `enabledForSubject` when "
                        + "asked")
                .errors(404));
        routes.get("/api/v1/config", this::config, Role.ADMIN,
                RouteDoc.of("The effective configuration, secrets masked")
                .answers(200, "`{\"profile\",\"file\",\"values\":[{\"key\",\"value\",\"source\",\"secret\"}]}`, "
                        + "secrets as `****`"));
        routes.get("/api/v1/loggers/{name}", this::logger, Role.VIEWER, RouteDoc.of("A logger's level")
                .path("name", LOGGER_PARAM)
                .answers(200, "`{\"name\",\"level\"}`")
                .errors(400));
        routes.put("/api/v1/loggers/{name}", this::setLogger, Role.ADMIN, RouteDoc.of("Set a logger's level")
                .path("name", LOGGER_PARAM)
                .body(LevelRequest.class)
                .describe("`level` is one of trace, debug, info, warn, error, off.")
                .answers(200, "`{\"name\",\"level\",\"previous\"}`"));
    }

    private void server(Context ctx) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("version", BulwarkVersion.get());
        body.put("profile", config.profile().id());
        body.put("startedAt", startedAt);
        body.put("uptimeSeconds", Duration.between(startedAt, clock.instant()).toSeconds());
        body.put("java", Runtime.version().toString());
        ctx.json(body);
    }

    private void features(Context ctx) {
        List<Map<String, Object>> list = features.all().entrySet().stream().map(e -> featureView(e.getKey(), e.getValue())).toList();
        ctx.json(Map.of("features", list));
    }

    private void feature(Context ctx) {
        String name = ctx.pathParam("name");
        Integer pct = features.all().get(name);
        if (pct == null) {
            throw ApiException.notFound("no feature flag named '" + name + "' (set features." + name + " in config)");
        }
        Map<String, Object> body = featureView(name, pct);
        String subject = ctx.queryParam("subject");
        if (subject != null) {
            body.put("subject", subject);
            body.put("enabledForSubject", features.isEnabled(name, subject));
        }
        ctx.json(body);
    }

    private static Map<String, Object> featureView(String name, int pct) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("enabled", pct == 100);
        m.put("percentage", pct);
        return m;
    }

    private void config(Context ctx) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("profile", config.profile().id());
        body.put("file", config.file().map(Object::toString).orElse(null));
        body.put("values", config.values().stream().map(v -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("key", v.name());
            m.put("value", v.display());
            m.put("source", v.origin().toString());
            m.put("secret", v.key().secret());
            return m;
        }).toList());
        ctx.json(body);
    }

    private void logger(Context ctx) {
        String name = loggerName(ctx);
        ctx.json(Map.of("name", name, "level", LogSetup.level(name)));
    }

    private void setLogger(Context ctx) {
        String name = loggerName(ctx);
        LevelRequest req = JsonBodies.read(ctx, LevelRequest.class, bodyLimit);
        String level = req.level() == null ? null : req.level().toLowerCase(java.util.Locale.ROOT);
        if (level == null || !LEVELS.contains(level)) {
            throw ApiException.validation("invalid log level", List.of(new FieldError("level",
                    "must be one of trace, debug, info, warn, error, off but was '" + req.level() + "'")));
        }
        String previous = LogSetup.setLevel(name, level);
        ctx.json(Map.of("name", name, "level", level, "previous", previous));
    }

    private static String loggerName(Context ctx) {
        String name = ctx.pathParam("name");
        if (!LOGGER_NAME.matcher(name).matches()) {
            throw ApiException.validation("invalid logger name", List.of(new FieldError("name",
                    "must be a logger name such as io.bulwark or ROOT but was '" + name + "'")));
        }
        return name;
    }
}
