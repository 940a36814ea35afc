package io.bulwark.test.provider;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.core.units.Durations;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How a {@link FakeProvider} misbehaves: how long it waits before each answer, the share of
 * requests it fails and the status those failures carry (with {@code Retry-After} on a 429), and
 * whether it cuts streamed answers off. Immutable; the provider swaps the whole mode at once, so a
 * request sees either the old mode or the new one, never a mix.
 *
 * <pre>{@code
 * FakeMode slowAndFlaky = FakeMode.of(Duration.ofSeconds(2), 0.5, 503);
 * FakeMode rateLimited = FakeMode.of(Duration.ZERO, 1.0, 429).withRetryAfter(Duration.ofSeconds(3));
 * FakeMode dyingStreams = FakeMode.HEALTHY.withCutAfterChunks(2);
 * }</pre>
 *
 * @param latency        waited before every answer of the OpenAI-compatible endpoints, 0 to 10 minutes
 * @param failRate       the share of those requests answered with {@code failStatus}, 0.0 to 1.0
 * @param failStatus     the status of a failed request, 400 to 599
 * @param retryAfter     the {@code Retry-After} a failed request carries (whole seconds, rounded up); zero
 *                       means none, except that a 429 always carries one (1 s when zero), 0 to 1 hour
 * @param cutAfterChunks a streamed answer sends this many chunks and then the connection is dropped with no
 *                       end of stream (0: dropped before any response, as a provider dying before its first
 *                       byte); -1, the default, never cuts. A stream of fewer chunks ends normally, and
 *                       answers that do not stream are never cut
 */
public record FakeMode(Duration latency, double failRate, int failStatus, Duration retryAfter, int cutAfterChunks) {

    /** The longest latency accepted: a fake that waits longer is more likely a typo than a test. */
    public static final Duration MAX_LATENCY = Duration.ofMinutes(10);
    /** The longest Retry-After accepted. */
    public static final Duration MAX_RETRY_AFTER = Duration.ofHours(1);
    /** The most chunks before a cut: a chat answer streams a chunk per word. */
    public static final int MAX_CUT_AFTER = 10_000;

    /** No delay, no failures, no cuts; failures, once asked for, answer 503. */
    public static final FakeMode HEALTHY = new FakeMode(Duration.ZERO, 0.0, 503);

    private static final Set<String> FIELDS = Set.of("latency", "failRate", "failStatus", "retryAfter", "cutAfterChunks");
    private static final String ALLOWED = "latency, failRate, failStatus, retryAfter, cutAfterChunks";

    /** Checks every value; the message names the field, what is allowed and what it was. */
    public FakeMode {
        Objects.requireNonNull(latency, "latency");
        Objects.requireNonNull(retryAfter, "retryAfter");
        String problem = latencyProblem(latency);
        if (problem != null) {
            throw new IllegalArgumentException("latency " + problem);
        }
        problem = failRateProblem(failRate);
        if (problem != null) {
            throw new IllegalArgumentException("failRate " + problem);
        }
        problem = failStatusProblem(failStatus);
        if (problem != null) {
            throw new IllegalArgumentException("failStatus " + problem);
        }
        problem = retryAfterProblem(retryAfter);
        if (problem != null) {
            throw new IllegalArgumentException("retryAfter " + problem);
        }
        problem = cutAfterChunksProblem(cutAfterChunks);
        if (problem != null) {
            throw new IllegalArgumentException("cutAfterChunks " + problem);
        }
    }

    /** A mode without Retry-After (but on a 429) and without cuts. */
    public FakeMode(Duration latency, double failRate, int failStatus) {
        this(latency, failRate, failStatus, Duration.ZERO, -1);
    }

    /** The same as the three-value constructor, for call sites that read better with a factory. */
    public static FakeMode of(Duration latency, double failRate, int failStatus) {
        return new FakeMode(latency, failRate, failStatus);
    }

    /** This mode with failed requests carrying {@code Retry-After: retryAfter}. */
    public FakeMode withRetryAfter(Duration retryAfter) {
        return new FakeMode(latency, failRate, failStatus, retryAfter, cutAfterChunks);
    }

    /** This mode with streamed answers cut after {@code chunks} chunks (-1: never). */
    public FakeMode withCutAfterChunks(int chunks) {
        return new FakeMode(latency, failRate, failStatus, retryAfter, chunks);
    }

    /** The Retry-After header value of a failed request, in whole seconds, or null for none. */
    public String retryAfterHeader() {
        if (retryAfter.isZero()) {
            return failStatus == 429 ? "1" : null;
        }
        return Long.toString(retryAfter.getSeconds() + (retryAfter.getNano() > 0 ? 1 : 0));
    }

    /** What is wrong with {@code latency} ("must be ... but was ..."), or null when it is allowed. */
    public static String latencyProblem(Duration latency) {
        if (latency.isNegative() || latency.compareTo(MAX_LATENCY) > 0) {
            return "must be from 0s to " + Durations.format(MAX_LATENCY) + " but was " + Durations.format(latency);
        }
        return null;
    }

    /** What is wrong with {@code failRate}, or null when it is allowed (NaN is not). */
    public static String failRateProblem(double failRate) {
        if (!(failRate >= 0.0 && failRate <= 1.0)) {
            return "must be from 0.0 to 1.0 but was " + failRate;
        }
        return null;
    }

    /** What is wrong with {@code failStatus}, or null when it is allowed. */
    public static String failStatusProblem(int failStatus) {
        if (failStatus < 400 || failStatus > 599) {
            return "must be an HTTP error status from 400 to 599 but was " + failStatus;
        }
        return null;
    }

    /** What is wrong with {@code retryAfter}, or null when it is allowed. */
    public static String retryAfterProblem(Duration retryAfter) {
        if (retryAfter.isNegative() || retryAfter.compareTo(MAX_RETRY_AFTER) > 0) {
            return "must be from 0s (none) to " + Durations.format(MAX_RETRY_AFTER) + " but was "
                    + Durations.format(retryAfter);
        }
        return null;
    }

    /** What is wrong with {@code cutAfterChunks}, or null when it is allowed. */
    public static String cutAfterChunksProblem(int chunks) {
        if (chunks < -1 || chunks > MAX_CUT_AFTER) {
            return "must be -1 (never cut), 0 (drop the connection before answering) or a number of chunks up to "
                    + MAX_CUT_AFTER + " but was " + chunks;
        }
        return null;
    }

    /**
     * This mode with the fields {@code changes} names replaced: {@code latency} and
     * {@code retryAfter} as duration strings ({@code "2s"}), {@code failRate} as a number,
     * {@code failStatus} and {@code cutAfterChunks} as whole numbers. Fields it leaves out keep
     * their value.
     *
     * @throws IllegalArgumentException naming the field, for an unknown field or a bad value
     */
    public FakeMode with(JsonNode changes) {
        if (changes == null || !changes.isObject()) {
            throw new IllegalArgumentException("the body must be a JSON object with any of " + ALLOWED
                    + ", e.g. {\"latency\":\"2s\",\"failRate\":0.5,\"failStatus\":503}");
        }
        for (Iterator<String> names = changes.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new IllegalArgumentException(name + ": unknown field; allowed: " + ALLOWED);
            }
        }
        Duration newLatency = duration(changes, "latency", latency);
        double newRate = failRate;
        JsonNode r = changes.get("failRate");
        if (r != null) {
            if (!r.isNumber()) {
                throw new IllegalArgumentException("failRate must be a number from 0.0 to 1.0 but was " + r);
            }
            newRate = r.asDouble();
        }
        int newStatus = whole(changes, "failStatus", failStatus, "from 400 to 599");
        Duration newRetryAfter = duration(changes, "retryAfter", retryAfter);
        int newCut = whole(changes, "cutAfterChunks", cutAfterChunks, "from -1 (never) to " + MAX_CUT_AFTER);
        return new FakeMode(newLatency, newRate, newStatus, newRetryAfter, newCut);
    }

    private static Duration duration(JsonNode changes, String field, Duration current) {
        JsonNode v = changes.get(field);
        if (v == null) {
            return current;
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException(field + " must be a duration string such as \"250ms\" or \"2s\" but was " + v);
        }
        try {
            return Durations.parse(v.asText());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + " " + e.getMessage());
        }
    }

    private static int whole(JsonNode changes, String field, int current, String range) {
        JsonNode v = changes.get(field);
        if (v == null) {
            return current;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new IllegalArgumentException(field + " must be a whole number " + range + " but was " + v);
        }
        return v.asInt();
    }

    /** As {@code GET /fake/mode} shows it: {@code {"latency":"2s","failRate":0.5,"failStatus":503,...}}. */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("latency", Durations.format(latency));
        json.put("failRate", failRate);
        json.put("failStatus", failStatus);
        json.put("retryAfter", Durations.format(retryAfter));
        json.put("cutAfterChunks", cutAfterChunks);
        return json;
    }

    /** For the start line and logs: {@code latency 2s, failRate 0.5, failStatus 503}, plus the others when set. */
    @Override
    public String toString() {
        return "latency " + Durations.format(latency) + ", failRate " + failRate + ", failStatus " + failStatus
                + (retryAfter.isZero() ? "" : ", retryAfter " + Durations.format(retryAfter))
                + (cutAfterChunks < 0 ? "" : ", cutAfterChunks " + cutAfterChunks);
    }
}
