package io.bulwark.server.http;

import java.util.List;

/**
 * An RFC 9457 problem detail, the body of every API error ({@code application/problem+json}).
 *
 * @param type a URN naming the kind of problem, e.g. {@code urn:bulwark:problem:validation}
 * @param title a short summary of the kind
 * @param status the HTTP status
 * @param detail what went wrong in this request
 * @param instance the request path
 * @param requestId the request id, to find the server's log lines
 * @param errors for validation problems, each invalid field; else null
 */
public record Problem(String type, String title, int status, String detail, String instance, String requestId,
                      List<FieldError> errors) {

    /** The media type of a problem body. */
    public static final String MEDIA_TYPE = "application/problem+json";
}
