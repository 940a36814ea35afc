package io.bulwark.bench.soak;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One kind of request in the soak's mix, with its share of the mix. Out of every ten requests:
 * two enqueue a {@code builtin.noop} job, one a {@code builtin.sleep} job of 10 ms, three go
 * through the provider gateway to the fake provider, two are API reads (queues, the first page
 * of jobs) and two read {@code /health}.
 */
public enum RequestKind {
    ENQUEUE_NOOP("enqueue-noop", 2, "POST", "/api/v1/jobs", " (builtin.noop)",
            "{\"queue\":\"" + RequestKind.QUEUE + "\",\"type\":\"builtin.noop\"}"),
    ENQUEUE_SLEEP("enqueue-sleep", 1, "POST", "/api/v1/jobs", " (builtin.sleep, 10 ms)",
            "{\"queue\":\"" + RequestKind.QUEUE + "\",\"type\":\"builtin.sleep\",\"payload\":{\"ms\":10}}"),
    GATEWAY("gateway", 3, "POST", "/api/v1/providers/" + RequestKind.GROUP + "/call?path=/v1/chat", "",
            "{\"model\":\"soak\",\"prompt\":\"" + "p".repeat(200) + "\"}"),
    QUEUES("queues", 1, "GET", "/api/v1/queues", "", null),
    JOBS_PAGE("jobs-page", 1, "GET", "/api/v1/jobs?limit=20", "", null),
    HEALTH("health", 2, "GET", "/health", "", null);

    /** The queue every soak job goes to. */
    public static final String QUEUE = "soak";
    /** The provider group the gateway calls go to. */
    public static final String GROUP = "soak";

    private static final List<RequestKind> CYCLE = cycle();

    private final String label;
    private final int weight;
    private final String method;
    private final String path;
    private final String detail;
    private final String body;

    RequestKind(String label, int weight, String method, String path, String detail, String body) {
        this.label = label;
        this.weight = weight;
        this.method = method;
        this.path = path;
        this.detail = detail;
        this.body = body;
    }

    /** A short name for reports and CSV columns, e.g. {@code enqueue-noop}. */
    public String label() {
        return label;
    }

    /** Requests of this kind in every {@link #cycleLength()} requests of the mix. */
    public int weight() {
        return weight;
    }

    /** The method and path, and the job type for an enqueue, e.g. {@code POST /api/v1/jobs (builtin.noop)}. */
    public String describe() {
        return method + " " + path + detail;
    }

    /** The {@code n}-th request of the mix (0-based): the mix is one fixed cycle, interleaved. */
    public static RequestKind at(long n) {
        return CYCLE.get((int) Math.floorMod(n, (long) CYCLE.size()));
    }

    /** Length of the mix's cycle, the sum of the weights. */
    public static int cycleLength() {
        return CYCLE.size();
    }

    /** The request, built once per kind and sent many times: {@link HttpRequest} is immutable. */
    HttpRequest request(URI base, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout);
        if (body == null) {
            return b.GET().build();
        }
        return b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body)).build();
    }

    /**
     * Smooth weighted round robin over the weights: each kind's requests are spread through the
     * cycle rather than sent in a burst, so every interval sees the same mix.
     */
    private static List<RequestKind> cycle() {
        RequestKind[] kinds = values();
        int total = 0;
        for (RequestKind k : kinds) {
            total += k.weight;
        }
        int[] current = new int[kinds.length];
        List<RequestKind> order = new ArrayList<>(total);
        for (int n = 0; n < total; n++) {
            int best = 0;
            for (int i = 0; i < kinds.length; i++) {
                current[i] += kinds[i].weight;
                if (current[i] > current[best]) {
                    best = i;
                }
            }
            current[best] -= total;
            order.add(kinds[best]);
        }
        return List.copyOf(order);
    }
}
