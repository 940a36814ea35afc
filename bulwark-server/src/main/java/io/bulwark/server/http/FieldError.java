package io.bulwark.server.http;

/**
 * One invalid field of a request.
 *
 * @param field the field's path, e.g. {@code jobs[2].priority}
 * @param message what is wrong and what is allowed
 */
public record FieldError(String field, String message) {
}
