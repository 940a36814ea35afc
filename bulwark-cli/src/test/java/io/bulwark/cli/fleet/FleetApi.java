package io.bulwark.cli.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bulwark.core.json.Json;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The REST API of a fleet's serve node, as the fleet tests use it. Every call expects a 2xx. */
public final class FleetApi {

    /** Jobs per {@code POST /api/v1/jobs/batch}: well under the 1 MiB body limit. */
    private static final int BATCH = 2500;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String base;

    FleetApi(String base) {
        this.base = base;
    }

    public JsonNode get(String path) throws IOException, InterruptedException {
        return call("GET", path, null);
    }

    public JsonNode post(String path, String body) throws IOException, InterruptedException {
        return call("POST", path, body);
    }

    private JsonNode call(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() < 200 || r.statusCode() > 299) {
            throw new IllegalStateException(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return Json.mapper().readTree(r.body());
    }

    /** Enqueues {@code jobs} in batches; returns their ids in order. */
    public List<String> enqueue(List<ObjectNode> jobs) throws IOException, InterruptedException {
        List<String> ids = new ArrayList<>(jobs.size());
        for (int from = 0; from < jobs.size(); from += BATCH) {
            ObjectNode body = Json.mapper().createObjectNode();
            body.putArray("jobs").addAll(jobs.subList(from, Math.min(jobs.size(), from + BATCH)));
            post("/api/v1/jobs/batch", Json.mapper().writeValueAsString(body)).get("jobs")
                    .forEach(j -> ids.add(j.get("id").asText()));
        }
        return ids;
    }

    /** How many jobs of {@code queue} are in {@code state}. */
    public long count(String queue, String state) throws IOException, InterruptedException {
        return get("/api/v1/queues/" + queue).get("counts").get(state).asLong();
    }

    /** Every job of {@code queue}, by id (without history), paging through the list. */
    public Map<String, JsonNode> jobs(String queue) throws IOException, InterruptedException {
        Map<String, JsonNode> seen = new LinkedHashMap<>();
        String cursor = null;
        do {
            JsonNode page = get("/api/v1/jobs?queue=" + queue + "&limit=500" + (cursor == null ? "" : "&cursor=" + cursor));
            page.get("items").forEach(j -> seen.put(j.get("id").asText(), j));
            cursor = page.hasNonNull("nextCursor") ? page.get("nextCursor").asText() : null;
        } while (cursor != null);
        return seen;
    }

    /** One job with its history. */
    public JsonNode job(String id) throws IOException, InterruptedException {
        return get("/api/v1/jobs/" + id);
    }

    /** One job's history. */
    public List<Transition> history(String id) throws IOException, InterruptedException {
        return Transition.of(job(id));
    }

    /** {@code GET /api/v1/cluster?limit=}: self, leader, the recent terms. */
    public JsonNode cluster(int termLimit) throws IOException, InterruptedException {
        return get("/api/v1/cluster?limit=" + termLimit);
    }

    /** The node id of the current leader, or null when none holds an unexpired term. */
    public String leaderId() throws IOException, InterruptedException {
        JsonNode leader = cluster(1).get("leader");
        return leader == null || leader.isNull() ? null : leader.get("holder").asText();
    }

    /** Every node the store knows, live and dead. */
    public List<JsonNode> nodes() throws IOException, InterruptedException {
        List<JsonNode> out = new ArrayList<>();
        get("/api/v1/nodes").get("items").forEach(out::add);
        return out;
    }

    /** Asks node {@code id} to drain. */
    public JsonNode drain(String id) throws IOException, InterruptedException {
        return post("/api/v1/nodes/" + id + "/drain", null);
    }
}
