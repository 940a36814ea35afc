package io.bulwark.deploy.rollout.prometheus;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.core.json.Json;
import io.bulwark.deploy.rollout.MetricSource;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Measurements from Prometheus' HTTP API: each {@link #query} is an instant query
 * ({@code GET /api/v1/query}) evaluated at Prometheus' present time. A scalar result becomes a
 * {@linkplain Value#scalar scalar}, an instant vector a {@linkplain Value#vector vector} with one
 * number per series (in Prometheus' order; {@code NaN} and infinities kept), and a range vector or
 * a string is refused naming the result type, since a condition needs numbers.
 *
 * <pre>{@code
 * MetricSource prometheus = PrometheusSource.of(URI.create("http://prometheus:9090"));
 * prometheus.validate("sum(rate(http_requests_total{code=~\"5..\"}[1m])) / sum(rate(http_requests_total[1m]))");
 * MetricSource.Value errorRate = prometheus.query(query);
 * }</pre>
 *
 * <p>{@link #validate} asks Prometheus to parse the query without running it
 * ({@code /api/v1/format_query}, Prometheus 2.38 and later); on an older Prometheus, which answers
 * that endpoint with 404, it runs the query once and treats only a {@code bad_data} error as a
 * parse error. Every failure names the address and the query, and carries Prometheus' own error
 * text when it gave one. Each request is bounded by the timeout (connect and answer).
 */
public final class PrometheusSource implements MetricSource {

    /** The provider name in a rollout definition. */
    public static final String PROVIDER = "prometheus";

    /** The time limit of one request when none is given. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final URI address;
    private final URI base;
    private final Duration timeout;
    private final HttpClient http;

    private PrometheusSource(URI address, Duration timeout) {
        this.address = address;
        String s = address.toString();
        this.base = URI.create(s.endsWith("/") ? s : s + "/");
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    /** A source for the Prometheus at {@code address} (e.g. {@code http://prometheus:9090}), with a 10 s timeout. */
    public static PrometheusSource of(URI address) {
        return of(address, DEFAULT_TIMEOUT);
    }

    /**
     * A source for the Prometheus at {@code address}; a path is kept as a prefix (a Prometheus
     * behind {@code --web.route-prefix} or a proxy path).
     *
     * @throws IllegalArgumentException naming {@code address} or {@code timeout} when not usable
     */
    public static PrometheusSource of(URI address, Duration timeout) {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(timeout, "timeout");
        if (!("http".equalsIgnoreCase(address.getScheme()) || "https".equalsIgnoreCase(address.getScheme()))
                || address.getHost() == null || address.getQuery() != null || address.getFragment() != null) {
            throw new IllegalArgumentException("address must be an http:// or https:// URL of Prometheus without query "
                    + "or fragment, such as http://prometheus:9090, but was " + address);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive but was " + timeout);
        }
        return new PrometheusSource(address, timeout);
    }

    /** Where it sends queries. */
    public URI address() {
        return address;
    }

    @Override
    public String provider() {
        return PROVIDER;
    }

    @Override
    public void validate(String query) throws MetricException {
        requireText(query);
        Answer a = get("api/v1/format_query", query);
        if (a.status() == 404) {
            // Before 2.38: no parse-only endpoint. Run it once; only bad_data is about the text.
            Answer run = get("api/v1/query", query);
            if (run.isError() && "bad_data".equals(run.errorType())) {
                throw new MetricException(where(query) + " does not parse: " + run.error());
            }
            if (!run.isError() && run.json() == null) {
                throw unexpected(query, run);
            }
            return;
        }
        if (a.isError()) {
            throw new MetricException(where(query) + ("bad_data".equals(a.errorType()) ? " does not parse: " : " could not be checked: ")
                    + a.error());
        }
        if (a.json() == null) {
            throw unexpected(query, a);
        }
    }

    @Override
    public Value query(String query) throws MetricException {
        requireText(query);
        Answer a = get("api/v1/query", query);
        if (a.isError()) {
            throw new MetricException(where(query) + " failed (" + a.errorType() + ", HTTP " + a.status() + "): " + a.error());
        }
        if (a.json() == null) {
            throw unexpected(query, a);
        }
        JsonNode data = a.json().path("data");
        String type = data.path("resultType").asText("");
        JsonNode result = data.path("result");
        return switch (type) {
            case "scalar" -> Value.scalar(sample(result, query));
            case "vector" -> {
                List<Double> values = new ArrayList<>(result.size());
                for (JsonNode series : result) {
                    values.add(sample(series.path("value"), query));
                }
                yield Value.vector(values);
            }
            default -> throw new MetricException(where(query) + " answered a " + (type.isEmpty() ? "result without a type" : type)
                    + " result; a measurement needs a scalar or an instant vector"
                    + ("matrix".equals(type) ? " (aggregate the range, e.g. rate(...[1m]), instead of selecting it)" : ""));
        };
    }

    private static void requireText(String query) throws MetricException {
        if (query == null || query.isBlank()) {
            throw new MetricException("a Prometheus query must not be empty");
        }
    }

    private double sample(JsonNode pair, String query) throws MetricException {
        JsonNode v = pair.path(1);
        if (!v.isTextual()) {
            throw new MetricException(where(query) + " answered a sample without a value: " + pair);
        }
        String text = v.asText();
        return switch (text) {
            case "NaN" -> Double.NaN;
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> {
                try {
                    yield Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    throw new MetricException(where(query) + " answered a value that is not a number: " + text, e);
                }
            }
        };
    }

    /** One answer: the HTTP status, and the parsed JSON when the body was JSON. */
    private record Answer(int status, JsonNode json, String body) {
        boolean isError() {
            return json != null && !"success".equals(json.path("status").asText());
        }

        String errorType() {
            return json == null ? "" : json.path("errorType").asText("");
        }

        String error() {
            return json == null ? body : json.path("error").asText(body);
        }
    }

    private Answer get(String path, String query) throws MetricException {
        URI uri = base.resolve(path + "?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json").GET().build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpConnectTimeoutException e) {
            throw new MetricException("Prometheus at " + address + " is unreachable (no connection within "
                    + timeout.toMillis() + " ms) for query `" + query + "`", e);
        } catch (HttpTimeoutException e) {
            throw new MetricException("Prometheus at " + address + " did not answer within " + timeout.toMillis()
                    + " ms for query `" + query + "`", e);
        } catch (ConnectException e) {
            throw new MetricException("Prometheus at " + address + " is unreachable (" + e + ") for query `" + query + "`", e);
        } catch (IOException e) {
            throw new MetricException("Prometheus at " + address + " failed for query `" + query + "`: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MetricException("interrupted while asking Prometheus at " + address + " for `" + query + "`", e);
        }
        String body = response.body();
        JsonNode json = null;
        try {
            JsonNode parsed = Json.mapper().readTree(body);
            if (parsed != null && parsed.has("status")) {
                json = parsed;
            }
        } catch (JsonProcessingException e) {
            // not Prometheus' JSON (a proxy's error page): reported with the status below
        }
        return new Answer(response.statusCode(), json, body);
    }

    private MetricException unexpected(String query, Answer a) {
        String body = a.body() == null ? "" : a.body().strip();
        return new MetricException(where(query) + " got HTTP " + a.status() + " with a body that is not Prometheus' JSON: "
                + (body.length() > 200 ? body.substring(0, 200) + "..." : body));
    }

    private String where(String query) {
        return "Prometheus at " + address + ": query `" + query + "`";
    }

    @Override
    public String toString() {
        return "Prometheus at " + address;
    }
}
