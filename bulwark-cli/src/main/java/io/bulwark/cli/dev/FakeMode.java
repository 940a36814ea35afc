package io.bulwark.cli.dev;

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
 * requests it fails, and the status those failures carry. Immutable; the provider swaps the whole
 * mode at once, so a request sees either the old mode or the new one, never a mix.
 *
 * <pre>{@code
 * FakeMode slowAndFlaky = FakeMode.of(Duration.ofSeconds(2), 0.5, 503);
 * FakeMode healthy = FakeMode.HEALTHY;
 * }</pre>
 *
 * @param latency    waited before every answer of the OpenAI-compatible endpoints, 0 to 10 minutes
 * @param failRate   the share of those requests answered with {@code failStatus}, 0.0 to 1.0
 * @param failStatus the status of a failed request, 400 to 599
 */
public record FakeMode(Duration latency, double failRate, int failStatus) {

    /** The longest latency accepted: a fake that waits longer is more likely a typo than a test. */
    public static final Duration MAX_LATENCY = Duration.ofMinutes(10);

    /** No delay, no failures; failures, once asked for, answer 503. */
    public static final FakeMode HEALTHY = new FakeMode(Duration.ZERO, 0.0, 503);

    private static final Set<String> FIELDS = Set.of("latency", "failRate", "failStatus");

    /** Checks every value; the message names the field, what is allowed and what it was. */
    public FakeMode {
        Objects.requireNonNull(latency, "latency");
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
    }

    /** The same as the constructor, for call sites that read better with a factory. */
    public static FakeMode of(Duration latency, double failRate, int failStatus) {
        return new FakeMode(latency, failRate, failStatus);
    }

    /** What is wrong with {@code latency} ("must be ... but was ..."), or null when it is allowed. */
    static String latencyProblem(Duration latency) {
        if (latency.isNegative() || latency.compareTo(MAX_LATENCY) > 0) {
            return "must be from 0s to " + Durations.format(MAX_LATENCY) + " but was " + Durations.format(latency);
        }
        return null;
    }

    /** What is wrong with {@code failRate}, or null when it is allowed (NaN is not). */
    static String failRateProblem(double failRate) {
        if (!(failRate >= 0.0 && failRate <= 1.0)) {
            return "must be from 0.0 to 1.0 but was " + failRate;
        }
        return null;
    }

    /** What is wrong with {@code failStatus}, or null when it is allowed. */
    static String failStatusProblem(int failStatus) {
        if (failStatus < 400 || failStatus > 599) {
            return "must be an HTTP error status from 400 to 599 but was " + failStatus;
        }
        return null;
    }

    /**
     * This mode with the fields {@code changes} names replaced: {@code latency} as a duration
     * string ({@code "2s"}), {@code failRate} as a number, {@code failStatus} as a whole number.
     * Fields it leaves out keep their value.
     *
     * @throws IllegalArgumentException naming the field, for an unknown field or a bad value
     */
    public FakeMode with(JsonNode changes) {
        if (changes == null || !changes.isObject()) {
            throw new IllegalArgumentException("the body must be a JSON object with any of latency, failRate, failStatus,"
                    + " e.g. {\"latency\":\"2s\",\"failRate\":0.5,\"failStatus\":503}");
        }
        for (Iterator<String> names = changes.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new IllegalArgumentException(name + ": unknown field; allowed: latency, failRate, failStatus");
            }
        }
        Duration newLatency = latency;
        JsonNode l = changes.get("latency");
        if (l != null) {
            if (!l.isTextual()) {
                throw new IllegalArgumentException("latency must be a duration string such as \"250ms\" or \"2s\" but was " + l);
            }
            try {
                newLatency = Durations.parse(l.asText());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("latency " + e.getMessage());
            }
        }
        double newRate = failRate;
        JsonNode r = changes.get("failRate");
        if (r != null) {
            if (!r.isNumber()) {
                throw new IllegalArgumentException("failRate must be a number from 0.0 to 1.0 but was " + r);
            }
            newRate = r.asDouble();
        }
        int newStatus = failStatus;
        JsonNode s = changes.get("failStatus");
        if (s != null) {
            if (!s.isIntegralNumber() || !s.canConvertToInt()) {
                throw new IllegalArgumentException("failStatus must be a whole number from 400 to 599 but was " + s);
            }
            newStatus = s.asInt();
        }
        return new FakeMode(newLatency, newRate, newStatus);
    }

    /** As {@code GET /fake/mode} shows it: {@code {"latency":"2s","failRate":0.5,"failStatus":503}}. */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("latency", Durations.format(latency));
        json.put("failRate", failRate);
        json.put("failStatus", failStatus);
        return json;
    }

    /** For the start line and logs: {@code latency 2s, failRate 0.5, failStatus 503}. */
    @Override
    public String toString() {
        return "latency " + Durations.format(latency) + ", failRate " + failRate + ", failStatus " + failStatus;
    }
}
