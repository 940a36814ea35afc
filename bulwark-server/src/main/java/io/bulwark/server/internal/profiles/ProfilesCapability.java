package io.bulwark.server.internal.profiles;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.bulwark.core.config.BulwarkConfig;
import io.bulwark.core.config.ConfigKey;
import io.bulwark.core.json.Json;
import io.bulwark.core.state.StateEntry;
import io.bulwark.core.state.StateStore;
import io.bulwark.core.units.Durations;
import io.bulwark.server.ProfileKeys;
import io.bulwark.server.ServerKeys;
import io.bulwark.server.auth.Role;
import io.bulwark.server.capability.Capability;
import io.bulwark.server.capability.CapabilityFactory;
import io.bulwark.server.capability.ServerContext;
import io.bulwark.server.http.ApiException;
import io.bulwark.server.http.ApiRoutes;
import io.bulwark.server.http.FieldError;
import io.bulwark.server.http.JsonBodies;
import io.bulwark.server.http.RouteDoc;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Profiling without restarts: {@code POST /api/v1/profiles} records JFR on this node or on every
 * node for a duration, and each node's summary (top frames by CPU and allocation, lock contention,
 * GC, slow I/O) is kept in the state store, so any node lists every summary.
 *
 * <p>Design notes. A request is a document (kind {@code profile}); each node's result another
 * (kind {@code profile-result}, name {@code <id>@<node>}). The node that takes a request for
 * itself starts at once; a fleet-wide request is also picked up by every other node when it next
 * looks ({@code profiles.poll}), if it is still recent (within its duration plus a minute: a node
 * that starts later does not profile for a request long gone). The recording itself stays on the
 * node that made it ({@code data.dir/profiles}); {@code GET .../jfr} on another node names the node
 * that has it.
 */
public final class ProfilesCapability implements Capability {

    private static final Logger LOG = LoggerFactory.getLogger(ProfilesCapability.class);
    static final String REQUEST = "profile";
    static final String RESULT = "profile-result";
    private static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile("[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}");

    /** Made on every server. */
    public static final class Factory implements CapabilityFactory {
        @Override
        public String name() {
            return "profiles";
        }

        @Override
        public List<ConfigKey<?>> configKeys() {
            return ProfileKeys.ALL;
        }

        @Override
        public Optional<Capability> create(ServerContext ctx) {
            BulwarkConfig config = ctx.config();
            Path dir = Path.of(config.get(ServerKeys.DATA_DIR)).toAbsolutePath().normalize().resolve("profiles");
            return Optional.of(new ProfilesCapability(ctx.state(), ctx.clock(), ctx.identity(), dir,
                    config.get(ProfileKeys.KEEP), config.get(ProfileKeys.MAX_DURATION), config.get(ProfileKeys.POLL),
                    ctx.bodyLimit(), ctx.meters()));
        }
    }

    /** The body of {@code POST /api/v1/profiles}. */
    record StartBody(String duration, String nodes) {
    }

    private final StateStore state;
    private final InstantSource clock;
    private final ServerContext.NodeIdentity self;
    private final Recorder recorder;
    private final int keep;
    private final Duration maxDuration;
    private final Duration poll;
    private final long bodyLimit;
    private final MeterRegistry meters;
    private final Set<String> taken = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("bulwark-profiles").daemon(true).factory());

    private ProfilesCapability(StateStore state, InstantSource clock, ServerContext.NodeIdentity self, Path dir, int keep,
                               Duration maxDuration, Duration poll, long bodyLimit, MeterRegistry meters) {
        this.state = state;
        this.clock = clock;
        this.self = self;
        this.recorder = new Recorder(dir, keep);
        this.keep = keep;
        this.maxDuration = maxDuration;
        this.poll = poll;
        this.bodyLimit = bodyLimit;
        this.meters = meters;
    }

    @Override
    public String name() {
        return "profiles";
    }

    @Override
    public void start() {
        timer.scheduleWithFixedDelay(this::pickUp, poll.toMillis(), poll.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void routes(ApiRoutes routes) {
        routes.post("/api/v1/profiles", this::create, Role.OPERATOR, RouteDoc.of("Record a profile (JFR)")
                .body(StartBody.class)
                .describe("Starts a JFR recording for `duration` (default 30s, at most profiles.maxDuration) on this "
                        + "node (`nodes`: `this`, the default) or on every node (`all`; the others start when they next "
                        + "look, within profiles.poll). CPU is sampled every 10 ms; the environment, system properties "
                        + "and JVM arguments are not recorded. Each node keeps its summary in the store: poll "
                        + "`GET /api/v1/profiles/{id}`. 409 when this node is already recording.")
                .answers(202, "the profile, as `GET /api/v1/profiles/{id}`").errors(400, 409));
        routes.get("/api/v1/profiles", this::list, Role.OPERATOR, RouteDoc.of("Recent profiles, newest first")
                .describe("Each request with every node's status and summary.")
                .answers(200, "`{\"profiles\":[...]}`"));
        routes.get("/api/v1/profiles/{id}", this::one, Role.OPERATOR, RouteDoc.of("One profile with each node's summary")
                .path("id", "the profile's id")
                .describe("`results` holds one entry per node: `status` (recording, done, failed), times, the file's "
                        + "size and `summary`: `cpu` (`samples`, `topSelf` by the frame on top, `topTotal` by every method "
                        + "on the stack), `allocation` (`topSites`, `topTypes` by sampled bytes), `locks` (`monitors`, "
                        + "`parks` over 10 ms), `gc` (`collections`, `totalPauseMillis`, `longestPauseMillis`) and `io`.")
                .answers(200, "`{\"id\",\"requestedAt\",\"duration\",\"nodes\",\"requestedOn\",\"results\":[...]}`")
                .errors(404));
        routes.get("/api/v1/profiles/{id}/jfr", this::download, Role.ADMIN, RouteDoc.of("This node's recording of a profile")
                .path("id", "the profile's id")
                .describe("The .jfr file, for JDK Mission Control or `jfr print`. Only the node that recorded it has it: "
                        + "elsewhere the 404 names that node.")
                .answers(200, "application/octet-stream", "the JFR recording").errors(404));
    }

    private void create(Context ctx) {
        StartBody body = JsonBodies.readOptional(ctx, StartBody.class, bodyLimit).orElse(new StartBody(null, null));
        List<FieldError> errors = new ArrayList<>();
        Duration duration = Duration.ofSeconds(30);
        if (body.duration() != null) {
            try {
                duration = Durations.parse(body.duration());
                if (duration.compareTo(Duration.ofSeconds(1)) < 0 || duration.compareTo(maxDuration) > 0) {
                    errors.add(new FieldError("duration", "must be from 1s to " + Durations.format(maxDuration)
                            + " (profiles.maxDuration) but was " + body.duration()));
                }
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("duration", "must be " + Durations.ACCEPTED + " but was '" + body.duration() + "'"));
            }
        }
        String nodes = body.nodes() == null ? "this" : body.nodes();
        if (!nodes.equals("this") && !nodes.equals("all")) {
            errors.add(new FieldError("nodes", "must be this or all but was '" + nodes + "'"));
        }
        if (!errors.isEmpty()) {
            throw ApiException.validation("invalid profile request; nothing was started", errors);
        }
        String id = UUID.randomUUID().toString();
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("id", id);
        request.put("requestedAt", clock.instant().toString());
        request.put("duration", Durations.format(duration));
        request.put("nodes", nodes);
        request.put("requestedOn", self.id());
        taken.add(id);
        String refused = run(id, duration);
        if (refused != null) {
            taken.remove(id);
            throw ApiException.conflict(refused);
        }
        put(REQUEST, id, request);
        prune();
        ctx.status(202);
        ctx.json(view(request));
    }

    /** Starts recording {@code id} here and records the result document; returns why not, or null. */
    private String run(String id, Duration duration) {
        Instant started = clock.instant();
        String refused = recorder.start(id, duration, new Recorder.Done() {
            @Override
            public void ended(Path file, Map<String, Object> summary) {
                Map<String, Object> r = result(id, "done", started);
                r.put("endedAt", clock.instant().toString());
                try {
                    r.put("bytes", Files.size(file));
                } catch (IOException e) {
                    r.put("bytes", -1);
                }
                r.put("summary", summary);
                put(RESULT, id + "@" + self.id(), r);
                count("done");
                LOG.info("Profile {} recorded on this node: {} CPU samples; GET /api/v1/profiles/{}", id,
                        ((Map<?, ?>) summary.get("cpu")).get("samples"), id);
            }

            @Override
            public void failed(String problem) {
                Map<String, Object> r = result(id, "failed", started);
                r.put("endedAt", clock.instant().toString());
                r.put("error", problem);
                put(RESULT, id + "@" + self.id(), r);
                count("failed");
            }
        });
        if (refused == null) {
            put(RESULT, id + "@" + self.id(), result(id, "recording", started));
            LOG.info("Profiling this node for {} (profile {})", Durations.format(duration), id);
        }
        return refused;
    }

    private Map<String, Object> result(String id, String status, Instant started) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("id", id);
        r.put("node", self.id());
        r.put("nodeName", self.name());
        r.put("status", status);
        r.put("startedAt", started.toString());
        return r;
    }

    private void count(String outcome) {
        Counter.builder("bulwark.profiles").tag("outcome", outcome).description("JFR profiles recorded on this node")
                .register(meters).increment();
    }

    /** Runs the recent fleet-wide requests this node has not taken yet; never throws. */
    void pickUp() {
        try {
            Instant now = clock.instant();
            for (StateEntry e : state.list(REQUEST)) {
                Map<String, Object> request = read(e.json());
                if (request == null || !"all".equals(request.get("nodes")) || taken.contains(e.name())) {
                    continue;
                }
                Duration duration = Durations.parse(String.valueOf(request.get("duration")));
                Instant at = Instant.parse(String.valueOf(request.get("requestedAt")));
                taken.add(e.name());
                if (at.plus(duration).plus(Duration.ofMinutes(1)).isBefore(now)
                        || state.get(RESULT, e.name() + "@" + self.id()).isPresent()) {
                    continue; // long gone, or this node ran it before a restart
                }
                String refused = run(e.name(), duration);
                if (refused != null) {
                    Map<String, Object> r = result(e.name(), "failed", now);
                    r.put("error", refused);
                    put(RESULT, e.name() + "@" + self.id(), r);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("Looking for fleet-wide profile requests failed: {}; looking again in {}", e.getMessage(),
                    Durations.format(poll));
        }
    }

    private void list(Context ctx) {
        List<Map<String, Object>> out = requests().stream().map(this::view).toList();
        ctx.json(Map.of("profiles", out));
    }

    /** The {@code {id}} path parameter; 404 unless it is a UUID, as every profile's id is. */
    private static String id(Context ctx) {
        String id = ctx.pathParam("id");
        if (!ID.matcher(id).matches()) {
            throw ApiException.notFound("no profile '" + io.bulwark.core.logging.LogText.safe(id, 100) + "': ids are UUIDs");
        }
        return id;
    }

    private void one(Context ctx) {
        String id = id(ctx);
        Map<String, Object> request = state.get(REQUEST, id).map(e -> read(e.json()))
                .orElseThrow(() -> ApiException.notFound("no profile '" + id + "' (kept: the last " + keep + ")"));
        ctx.json(view(request));
    }

    private void download(Context ctx) throws IOException {
        String id = id(ctx);
        Path file = recorder.file(id);
        if (!Files.isRegularFile(file) || id.equals(recorder.running())) {
            List<String> where = results(id).stream().filter(r -> "done".equals(r.get("status")))
                    .map(r -> r.get("nodeName") + " (" + r.get("node") + ")").toList();
            throw ApiException.notFound(id.equals(recorder.running()) ? "profile " + id + " is still recording"
                    : where.isEmpty() ? "no recording of profile '" + id + "' on any node"
                    : "this node has no recording of profile " + id + "; ask " + String.join(", ", where));
        }
        ctx.contentType("application/octet-stream");
        ctx.header("Content-Disposition", "attachment; filename=\"" + id + ".jfr\"");
        InputStream in = Files.newInputStream(file);
        ctx.result(in);
    }

    private Map<String, Object> view(Map<String, Object> request) {
        Map<String, Object> m = new LinkedHashMap<>(request);
        m.put("results", results(String.valueOf(request.get("id"))));
        return m;
    }

    private List<Map<String, Object>> results(String id) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (StateEntry e : state.list(RESULT)) {
            if (e.name().startsWith(id + "@")) {
                Map<String, Object> r = read(e.json());
                if (r != null) {
                    out.add(r);
                }
            }
        }
        out.sort(Comparator.comparing(r -> String.valueOf(r.get("nodeName"))));
        return out;
    }

    private List<Map<String, Object>> requests() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (StateEntry e : state.list(REQUEST)) {
            Map<String, Object> r = read(e.json());
            if (r != null) {
                out.add(r);
            }
        }
        out.sort(Comparator.comparing((Map<String, Object> r) -> String.valueOf(r.get("requestedAt"))).reversed());
        return out;
    }

    /** Keeps the newest {@code profiles.keep} requests and their results. */
    private void prune() {
        List<Map<String, Object>> all = requests();
        for (Map<String, Object> old : all.subList(Math.min(keep, all.size()), all.size())) {
            String id = String.valueOf(old.get("id"));
            state.delete(REQUEST, id);
            for (StateEntry e : state.list(RESULT)) {
                if (e.name().startsWith(id + "@")) {
                    state.delete(RESULT, e.name());
                }
            }
        }
    }

    private void put(String kind, String name, Map<String, Object> doc) {
        try {
            state.put(kind, name, Json.mapper().writeValueAsString(doc));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> read(String json) {
        try {
            return Json.mapper().readValue(json, Map.class);
        } catch (JsonProcessingException e) {
            return null; // a document another version wrote in another shape
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        recorder.close();
    }
}
