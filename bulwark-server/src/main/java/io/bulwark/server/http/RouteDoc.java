package io.bulwark.server.http;

import io.javalin.router.EndpointMetadata;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The documentation of one route, registered with it through {@link ApiRoutes} and carried by
 * Javalin's endpoint: what the OpenAPI document ({@code GET /api/v1/openapi.json}) says about the
 * route. Every route must have one; the server refuses to start with a route that has none.
 *
 * <p>What every route of a kind answers is added by the document, not written here: 401 and 403
 * for a route that needs a role; 400, 413 and 415 for a route that reads a body; a {@code default}
 * problem+json answer for the rest (429, 500, 503). {@link #errors} lists the statuses the route
 * itself answers besides those, each as {@code application/problem+json}.
 *
 * <pre>{@code
 * routes.get("/api/v1/jobs/{id}", this::get, Role.VIEWER, RouteDoc.of("One job with its history")
 *         .path("id", "the job's id (a UUID)")
 *         .errors(400, 404));
 * routes.post("/api/v1/jobs", this::enqueue, Role.OPERATOR, RouteDoc.of("Enqueue a job")
 *         .body(EnqueueBody.class)
 *         .answers(201, "the job")
 *         .errors(429));
 * }</pre>
 *
 * @param summary one line: what the route does
 * @param description more, when one line is not enough; empty when there is none
 * @param params the path, query and header parameters it reads, in order (path parameters that
 *               are not listed are documented from the path alone)
 * @param body the request body it reads; null when it reads none
 * @param answers its answers other than errors; empty means one: 200 with a JSON body
 * @param errors the problem+json statuses it answers besides those every route of its kind answers
 * @param queryPassedOn true when the route passes its whole query string on (the gateway's
 *                      pass-through), so that it takes any query parameter; an {@code /api/} route
 *                      otherwise refuses one it does not list ({@link ApiRoutes})
 */
public record RouteDoc(String summary, String description, List<Param> params, Body body, List<Answer> answers,
                       Set<Integer> errors, boolean queryPassedOn) implements EndpointMetadata {

    /** The media type of JSON bodies and answers. */
    public static final String JSON = "application/json";

    /** Where a parameter is sent. */
    public enum In {
        /** A {@code {name}} segment of the path. */
        PATH,
        /** A query parameter. */
        QUERY,
        /** A request header. */
        HEADER
    }

    /**
     * One parameter.
     *
     * @param type its value type: {@code String}, {@code Integer}, {@code Long}, {@code Boolean}, {@code UUID}, ...
     * @param required whether a request must send it (a path parameter always is)
     */
    public record Param(String name, In in, Class<?> type, String description, boolean required) {
        public Param {
            requireText("a parameter's name", name);
            Objects.requireNonNull(in, "in");
            Objects.requireNonNull(type, "type");
            description = description == null ? "" : description;
        }
    }

    /**
     * A request body.
     *
     * @param type the class it is read as: a record, or {@code JsonNode} / {@code Object} for any value
     * @param required false when the route also takes a request without a body
     * @param description what it holds, beyond what the type says; empty when nothing
     * @param mediaTypes the content types it is accepted as, {@link #JSON} by default
     */
    public record Body(Class<?> type, boolean required, String description, List<String> mediaTypes) {
        public Body {
            Objects.requireNonNull(type, "type");
            description = description == null ? "" : description;
            mediaTypes = List.copyOf(mediaTypes);
            if (mediaTypes.isEmpty()) {
                throw new IllegalArgumentException("a body needs at least one media type, e.g. " + JSON);
            }
        }

        /** A required JSON body of {@code type}, described by {@code description}. */
        public static Body of(Class<?> type, String description) {
            return new Body(type, true, description, List.of(JSON));
        }

        /** This body, optional: the route also takes a request without one. */
        public Body optional() {
            return new Body(type, false, description, mediaTypes);
        }

        /** This body, accepted as {@code mediaTypes} instead of JSON, e.g. {@code application/yaml} too. */
        public Body media(String... mediaTypes) {
            return new Body(type, required, description, List.of(mediaTypes));
        }
    }

    /**
     * One answer other than an error.
     *
     * @param status the HTTP status, 100 to 599
     * @param mediaType the content type of its body; null for an answer without a body (204)
     */
    public record Answer(int status, String description, String mediaType) {
        public Answer {
            if (status < 100 || status > 599) {
                throw new IllegalArgumentException("an answer's status must be from 100 to 599 but was " + status);
            }
            requireText("an answer's description", description);
        }
    }

    public RouteDoc {
        requireText("summary", summary);
        description = description == null ? "" : description;
        params = List.copyOf(params);
        answers = List.copyOf(answers);
        errors = Collections.unmodifiableSortedSet(new TreeSet<>(errors));
        for (int status : errors) {
            if (status < 400 || status > 599) {
                throw new IllegalArgumentException("errors must be HTTP error statuses (400 to 599) but "
                        + "route '" + summary + "' lists " + status + "; document other answers with answers()");
            }
        }
        Set<String> seen = new java.util.HashSet<>();
        for (Param p : params) {
            if (!seen.add(p.in() + " " + p.name())) {
                throw new IllegalArgumentException("route '" + summary + "' documents the " + p.in().name().toLowerCase(
                        java.util.Locale.ROOT) + " parameter '" + p.name() + "' twice");
            }
        }
    }

    /** The documentation of a route that {@code summary} says all about: 200 with JSON, no parameters, no body. */
    public static RouteDoc of(String summary) {
        return new RouteDoc(summary, "", List.of(), null, List.of(), Set.of(), false);
    }

    /** This documentation with a longer description (CommonMark) after the summary. */
    public RouteDoc describe(String description) {
        return new RouteDoc(summary, description, params, body, answers, errors, queryPassedOn);
    }

    /** Describes the path parameter {@code {name}}. */
    public RouteDoc path(String name, String description) {
        return param(new Param(name, In.PATH, String.class, description, true));
    }

    /** Adds an optional query parameter of {@code type}. */
    public RouteDoc query(String name, Class<?> type, String description) {
        return param(new Param(name, In.QUERY, type, description, false));
    }

    /** Adds a query parameter of {@code type} that a request must send. */
    public RouteDoc requiredQuery(String name, Class<?> type, String description) {
        return param(new Param(name, In.QUERY, type, description, true));
    }

    /** Adds an optional request header the route reads. */
    public RouteDoc header(String name, Class<?> type, String description) {
        return param(new Param(name, In.HEADER, type, description, false));
    }

    /** Adds the {@code limit} and {@code cursor} query parameters of a paginated list (see {@link Page}). */
    public RouteDoc paged() {
        return query("limit", Integer.class, "how many items at most, 1 to " + Page.MAX_LIMIT + " (default 100)")
                .query("cursor", String.class, "the nextCursor of the previous page; absent for the first page");
    }

    /**
     * The route passes its whole query string on (the gateway's pass-through to a provider), so it
     * takes query parameters it does not list.
     */
    public RouteDoc passesQueryOn() {
        return new RouteDoc(summary, description, params, body, answers, errors, true);
    }

    /** The names of the query parameters it lists. */
    public java.util.Set<String> queryNames() {
        java.util.Set<String> names = new java.util.LinkedHashSet<>();
        for (Param p : params) {
            if (p.in() == In.QUERY) {
                names.add(p.name());
            }
        }
        return names;
    }

    /** The route reads a required JSON body of {@code type}. */
    public RouteDoc body(Class<?> type) {
        return body(Body.of(type, ""));
    }

    /** The route reads a JSON body of {@code type} when one is sent, and takes a request without one too. */
    public RouteDoc optionalBody(Class<?> type) {
        return body(Body.of(type, "").optional());
    }

    /** The route reads {@code body}. */
    public RouteDoc body(Body body) {
        return new RouteDoc(summary, description, params, Objects.requireNonNull(body, "body"), answers, errors, queryPassedOn);
    }

    /** Adds an answer with a JSON body ({@code 204}: without a body). */
    public RouteDoc answers(int status, String what) {
        return answers(status, status == 204 ? null : JSON, what);
    }

    /** Adds an answer whose body is of {@code mediaType} (null: no body). */
    public RouteDoc answers(int status, String mediaType, String what) {
        List<Answer> all = new ArrayList<>(answers);
        all.add(new Answer(status, what, mediaType));
        return new RouteDoc(summary, description, params, body, all, errors, queryPassedOn);
    }

    /** Adds problem+json statuses the route answers, e.g. {@code 404} for an unknown resource. */
    public RouteDoc errors(int... statuses) {
        Set<Integer> all = new TreeSet<>(errors);
        for (int s : statuses) {
            all.add(s);
        }
        return new RouteDoc(summary, description, params, body, answers, all, queryPassedOn);
    }

    private RouteDoc param(Param p) {
        List<Param> all = new ArrayList<>(params);
        all.add(p);
        return new RouteDoc(summary, description, all, body, answers, errors, queryPassedOn);
    }

    private static void requireText(String what, String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank but was "
                    + (text == null ? "null" : "'" + text + "'"));
        }
    }
}
