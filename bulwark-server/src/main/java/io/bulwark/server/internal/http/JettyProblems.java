package io.bulwark.server.internal.http;

import io.bulwark.core.json.Json;
import io.bulwark.server.http.Problem;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.util.List;
import java.nio.charset.Charset;
import java.util.Locale;

/**
 * Jetty's own error answers as problem+json. A request Jetty refuses before any route sees it
 * (a bad URI or header, a URI or headers too long, an unknown HTTP version, an ambiguous path)
 * is answered by Jetty's error handlers, which write HTML; these write the same RFC 9457 body as
 * every other error of the API. No request id exists yet for most of them, so none is given.
 */
public final class JettyProblems {

    private JettyProblems() {
    }

    /** The handler for the {@link org.eclipse.jetty.server.Server}: parser errors and errors outside the servlet. */
    public static ErrorHandler server() {
        return new ServerErrors();
    }

    /** The handler for Javalin's servlet context: errors raised inside it before Javalin runs (e.g. an ambiguous URI). */
    public static ErrorHandler context() {
        return new ContextErrors();
    }

    static byte[] body(int status, String message, String path) {
        HttpStatus.Code code = HttpStatus.getCode(status);
        String title = code == null ? "Error " + status : code.getMessage();
        String slug = switch (status) {
            case 400 -> "bad-request";
            case 414 -> "uri-too-long";
            case 431 -> "headers-too-large";
            case 505 -> "http-version-not-supported";
            default -> title.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
        };
        String detail = message == null || message.isBlank() ? title : message;
        try {
            return Json.mapper().writeValueAsBytes(new Problem("urn:bulwark:problem:" + slug, title, status, detail, path,
                    null, null));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a problem always serialises", e);
        }
    }

    private static void writeProblem(Request request, Response response, int code, String message, Callback callback) {
        String path = request.getHttpURI() == null ? null : request.getHttpURI().getPath();
        response.setStatus(code);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Problem.MEDIA_TYPE);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, ByteBuffer.wrap(body(code, message, path)), callback);
    }

    private static final class ServerErrors extends ErrorHandler {
        @Override
        protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                        Callback callback) {
            writeProblem(request, response, code, message, callback);
        }

        @Override
        public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
            fields.put(new HttpField(HttpHeader.CONTENT_TYPE, Problem.MEDIA_TYPE));
            return ByteBuffer.wrap(body(status, reason, null));
        }
    }

    private static final class ContextErrors extends org.eclipse.jetty.ee10.servlet.ErrorHandler {
        @Override
        protected boolean generateAcceptableResponse(Request request, Response response, Callback callback, String contentType,
                                                     List<Charset> charsets, int code, String message, Throwable cause) {
            writeProblem(request, response, code, message, callback);
            return true;
        }
    }
}
