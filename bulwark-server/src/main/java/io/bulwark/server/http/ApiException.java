package io.bulwark.server.http;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * An error a route throws to answer with a problem+json body. The server renders it; a route
 * never builds error bodies itself.
 *
 * <pre>{@code
 * throw ApiException.validation("invalid API key request", List.of(new FieldError("role", "must be one of viewer, operator, admin")));
 * }</pre>
 */
public final class ApiException extends RuntimeException {

    private final int status;
    private final String slug;
    private final String title;
    private final List<FieldError> errors;
    private final Map<String, String> headers;

    /** The most field errors a problem lists; a body with thousands of bad entries gets the first ones and their count. */
    public static final int MAX_ERRORS = 50;

    public ApiException(int status, String slug, String title, String detail, List<FieldError> errors,
                        Map<String, String> headers) {
        super(errors != null && errors.size() > MAX_ERRORS
                ? detail + " (the first " + MAX_ERRORS + " of " + errors.size() + " errors are listed)" : detail);
        this.status = status;
        this.slug = slug;
        this.title = title;
        this.errors = errors == null ? null : List.copyOf(errors.subList(0, Math.min(errors.size(), MAX_ERRORS)));
        this.headers = Map.copyOf(headers);
    }

    /** 400: a document was refused by a library's validation; each problem becomes a field error. */
    public static ApiException validation(io.bulwark.core.validation.ValidationException e) {
        return validation(e.getMessage(), e.problems().stream().map(p -> new FieldError(p.field(), p.message())).toList());
    }

    /** 400: the request is malformed. */
    public static ApiException badRequest(String detail) {
        return new ApiException(400, "bad-request", "Bad request", detail, null, Map.of());
    }

    /** 400: fields are invalid; each is named with what is allowed. */
    public static ApiException validation(String detail, List<FieldError> errors) {
        return new ApiException(400, "validation", "Invalid request", detail, errors, Map.of());
    }

    /** 400: the body is not valid JSON. */
    public static ApiException malformedJson(String detail) {
        return new ApiException(400, "malformed-json", "Malformed JSON", detail, null, Map.of());
    }

    /** 401: no key or a wrong key. */
    public static ApiException unauthorized(String detail) {
        return new ApiException(401, "unauthorized", "Unauthorized", detail, null,
                Map.of("WWW-Authenticate", "Bearer realm=\"bulwark\""));
    }

    /** 403: the key's role is not enough. */
    public static ApiException forbidden(String detail) {
        return new ApiException(403, "forbidden", "Forbidden", detail, null, Map.of());
    }

    /** 404: no such thing. */
    public static ApiException notFound(String detail) {
        return new ApiException(404, "not-found", "Not found", detail, null, Map.of());
    }

    /** 405: the path is served, but not with {@code method}; the {@code Allow} header lists {@code allowed}. */
    public static ApiException methodNotAllowed(String method, java.util.Collection<String> allowed) {
        String list = String.join(", ", allowed);
        return new ApiException(405, "method-not-allowed", "Method not allowed", "this path does not take "
                + io.bulwark.core.logging.LogText.safe(method, 20) + "; it takes " + list, null, Map.of("Allow", list));
    }

    /** 409: the request conflicts with the current state. */
    public static ApiException conflict(String detail) {
        return new ApiException(409, "conflict", "Conflict", detail, null, Map.of());
    }

    /** 413: the body is over the limit. */
    public static ApiException tooLarge(String detail) {
        return new ApiException(413, "payload-too-large", "Payload too large", detail, null, Map.of());
    }

    /** 415: a body came without a JSON content type. */
    public static ApiException unsupportedMediaType(String detail) {
        return new ApiException(415, "unsupported-media-type", "Unsupported media type", detail, null, Map.of());
    }

    /** 429: over a limit; retry after {@code retryAfter}. */
    public static ApiException tooManyRequests(String detail, Duration retryAfter) {
        long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        return new ApiException(429, "rate-limited", "Too many requests", detail, null,
                Map.of("Retry-After", Long.toString(seconds)));
    }

    /** 503: not ready, or shutting down. */
    public static ApiException unavailable(String detail) {
        return new ApiException(503, "unavailable", "Service unavailable", detail, null, Map.of());
    }

    public int status() {
        return status;
    }

    /** The problem type: {@code urn:bulwark:problem:<slug>}. */
    public String type() {
        return "urn:bulwark:problem:" + slug;
    }

    public String title() {
        return title;
    }

    /** Invalid fields, or null. */
    public List<FieldError> errors() {
        return errors;
    }

    /** Headers to send with the problem, e.g. {@code Retry-After}. */
    public Map<String, String> headers() {
        return headers;
    }
}
