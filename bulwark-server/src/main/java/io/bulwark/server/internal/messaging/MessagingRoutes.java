package io.bulwark.server.internal.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bulwark.core.json.Json;
import io.bulwark.core.units.Durations;
import io.bulwark.messaging.Broker;
import io.bulwark.messaging.Delivery;
import io.bulwark.messaging.MessagingException;
import io.bulwark.messaging.Outgoing;
import io.bulwark.messaging.Published;
import io.bulwark.messaging.SubscribeOptions;
import io.bulwark.messaging.Subscription;
import io.bulwark.server.auth.Role;
import io.bulwark.server.http.ApiException;
import io.bulwark.server.http.FieldError;
import io.bulwark.server.http.JsonBodies;
import io.bulwark.server.http.Page;
import io.bulwark.server.http.ApiRoutes;
import io.bulwark.server.http.RouteDoc;
import io.javalin.http.Context;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code /api/v1/messaging}: viewers list connections and bridges and read dead letters; operators
 * publish and redrive dead letters.
 */
final class MessagingRoutes {

    /** The body of {@code POST /api/v1/messaging/{connection}/publish}. */
    record PublishBody(String topic, JsonNode message, Map<String, String> headers, String key, String delay,
                       Integer priority) {
    }

    /** The body of {@code POST /api/v1/messaging/{connection}/dead/redrive}. */
    record RedriveBody(String topic, Integer max) {
    }

    /** The body of {@code POST /api/v1/messaging/{connection}/consume}. */
    record ConsumeBody(String topic, String group, Integer count,
                       @com.fasterxml.jackson.annotation.JsonProperty("wait") String waitFor) {
    }

    /** The group {@code consume} reads in when the body names none. */
    static final String CONSUME_GROUP = "bulwark-consume";
    private static final Duration DEFAULT_WAIT = Duration.ofSeconds(10);
    private static final Duration MAX_WAIT = Duration.ofMinutes(5);

    private static final int MAX_LIST = 1000;

    private final MessagingCapability messaging;
    private final long bodyLimit;

    MessagingRoutes(MessagingCapability messaging, long bodyLimit) {
        this.messaging = messaging;
        this.bodyLimit = bodyLimit;
    }

    private static final String CONNECTION = "the connection's name, as configured (messaging.connections.<name>)";

    void register(ApiRoutes routes) {
        routes.get("/api/v1/messaging", this::list, Role.VIEWER,
                RouteDoc.of("Broker connections (type, URL without password, up, features) and their bridges")
                        .describe("Each bridge shows whether it runs, its deliveries in flight, and its `lag` (messages "
                                + "its group has not finished, as the broker counts them; absent where the broker "
                                + "does not tell it)."));
        routes.post("/api/v1/messaging/{connection}/publish", this::publish, Role.OPERATOR,
                RouteDoc.of("Publish a message to a topic").path("connection", CONNECTION).body(PublishBody.class)
                        .answers(201, "the message's id, topic and when it may first be delivered").errors(404, 503));
        routes.get("/api/v1/messaging/{connection}/dead", this::dead, Role.VIEWER,
                RouteDoc.of("A topic's dead letters, oldest first, each with why it died").path("connection", CONNECTION)
                        .requiredQuery("topic", String.class, "the topic").query("limit", Integer.class, "at most this many "
                                + "(default 100, at most 1000)").errors(404, 503));
        routes.post("/api/v1/messaging/{connection}/dead/redrive", this::redrive, Role.OPERATOR,
                RouteDoc.of("Publish a topic's dead letters again as first deliveries and remove them from the dead letters")
                        .path("connection", CONNECTION).body(RedriveBody.class).answers(200, "how many were redriven")
                        .errors(404, 503));
        routes.post("/api/v1/messaging/{connection}/consume", this::consume, Role.OPERATOR,
                RouteDoc.of("Take up to `count` messages of a topic in a group, acknowledging them")
                        .path("connection", CONNECTION).body(ConsumeBody.class)
                        .describe("Waits up to `wait` (default 10s, at most 5m) for `count` messages (default 1, "
                                + "1-1000) in `group` (default `" + CONSUME_GROUP + "`; a new group gets what is "
                                + "published from now on). Each message is acknowledged as it is taken, before the "
                                + "answer is written: for looking at a topic, not for work that must not be lost "
                                + "(use a bridge). Messages fetched beyond `count` are given back unacknowledged.")
                        .answers(200, "`{\"messages\":[...]}`, fewer than `count` when the wait ran out")
                        .errors(404, 503));
    }

    private void list(Context ctx) {
        ObjectNode out = Json.mapper().createObjectNode();
        ArrayNode items = out.putArray("connections");
        messaging.connections().forEach((name, c) -> {
            ObjectNode o = items.addObject();
            o.put("name", name);
            o.put("type", c.settings.type());
            o.put("url", c.settings.displayUrl());
            Broker b = c.broker;
            o.put("up", b != null && b.isHealthy());
            o.put("error", c.error);
            if (b != null) {
                ObjectNode f = o.putObject("features");
                f.put("delay", b.features().delay().name().toLowerCase(java.util.Locale.ROOT));
                f.put("priorities", b.features().priorities());
                f.put("ordering", b.features().ordering());
                f.put("deadLetters", b.features().deadLetters().name().toLowerCase(java.util.Locale.ROOT));
                f.put("maxMessageBytes", b.features().maxMessageBytes());
            }
            ArrayNode bridges = o.putArray("bridges");
            for (BridgeSpec spec : c.bridges) {
                ObjectNode br = bridges.addObject();
                br.put("name", spec.name());
                br.put("topic", spec.topic());
                br.put("group", spec.group());
                br.put("target", spec.target());
                br.put("concurrency", spec.concurrency());
                Subscription s = c.subscriptions.stream().filter(x -> x.topic().equals(spec.topic())
                        && x.group().equals(spec.group())).findFirst().orElse(null);
                br.put("running", s != null && s.isRunning());
                br.put("inFlight", s == null ? 0 : s.inFlight());
                double lag = s instanceof io.bulwark.messaging.spi.Consumer consumer ? consumer.lag() : Double.NaN;
                if (!Double.isNaN(lag)) {
                    br.put("lag", (long) lag); // left out where the broker does not tell it
                }
            }
        });
        ctx.json(out);
    }

    private MessagingCapability.Connection connection(Context ctx) {
        String name = ctx.pathParam("connection");
        MessagingCapability.Connection c = messaging.connections().get(name);
        if (c == null) {
            throw ApiException.notFound("no messaging connection '" + name + "'; configured: " + messaging.connections().keySet());
        }
        return c;
    }

    private static Broker broker(MessagingCapability.Connection c) {
        Broker b = c.broker;
        if (b == null) {
            throw ApiException.unavailable("messaging connection " + c.settings.name() + " is not open: " + c.error);
        }
        return b;
    }

    private void publish(Context ctx) {
        MessagingCapability.Connection c = connection(ctx);
        PublishBody body = JsonBodies.read(ctx, PublishBody.class, bodyLimit);
        if (body.topic() == null) {
            throw invalid("topic", "must be set: the topic to publish to");
        }
        if (body.message() == null) {
            throw invalid("message", "must be set: the message, any JSON (a string is sent as its text)");
        }
        Outgoing message;
        try {
            message = outgoing(body.message(), body.headers(), body.key(), body.delay(), body.priority());
        } catch (IllegalArgumentException e) {
            throw invalid(fieldOf(e.getMessage(), "message"), e.getMessage());
        }
        try {
            Published p = broker(c).publish(body.topic(), message);
            ObjectNode out = Json.mapper().createObjectNode().put("id", p.id()).put("topic", p.topic())
                    .put("deliverAt", p.deliverAt().toString());
            ctx.status(201).json(out);
        } catch (IllegalArgumentException e) {
            throw invalid(fieldOf(e.getMessage(), "message"), e.getMessage());
        } catch (MessagingException e) {
            throw ApiException.unavailable(e.getMessage());
        }
    }

    private void dead(Context ctx) {
        MessagingCapability.Connection c = connection(ctx);
        String topic = ctx.queryParam("topic");
        if (topic == null || topic.isBlank()) {
            throw invalid("topic", "must be set: the topic whose dead letters to read");
        }
        int limit = Page.limit(ctx.queryParam("limit"), 100);
        try {
            List<Delivery> dead = broker(c).deadLetters(topic, Math.min(limit, MAX_LIST));
            ctx.json(new Page<>(dead.stream().map(MessagingRoutes::view).toList(), null));
        } catch (IllegalArgumentException e) {
            throw invalid("topic", e.getMessage());
        } catch (MessagingException e) {
            throw ApiException.unavailable(e.getMessage());
        }
    }

    private void redrive(Context ctx) {
        MessagingCapability.Connection c = connection(ctx);
        RedriveBody body = JsonBodies.read(ctx, RedriveBody.class, bodyLimit);
        if (body.topic() == null) {
            throw invalid("topic", "must be set: the topic whose dead letters to publish again");
        }
        int max = body.max() == null ? 100 : body.max();
        if (max < 1 || max > MAX_LIST) {
            throw invalid("max", "must be from 1 to " + MAX_LIST + " but was " + max);
        }
        try {
            int n = broker(c).redrive(body.topic(), max);
            ctx.json(Json.mapper().createObjectNode().put("redriven", n));
        } catch (IllegalArgumentException e) {
            throw invalid("topic", e.getMessage());
        } catch (MessagingException e) {
            throw ApiException.unavailable(e.getMessage());
        }
    }

    private void consume(Context ctx) {
        MessagingCapability.Connection c = connection(ctx);
        ConsumeBody body = JsonBodies.read(ctx, ConsumeBody.class, bodyLimit);
        List<FieldError> errors = new ArrayList<>();
        if (body.topic() == null || body.topic().isBlank()) {
            errors.add(new FieldError("topic", "must be set: the topic to take messages from"));
        }
        int count = body.count() == null ? 1 : body.count();
        if (count < 1 || count > MAX_LIST) {
            errors.add(new FieldError("count", "must be from 1 to " + MAX_LIST + " but was " + count));
        }
        Duration wait = DEFAULT_WAIT;
        if (body.waitFor() != null) {
            try {
                wait = Durations.parse(body.waitFor());
                if (wait.isNegative() || wait.compareTo(MAX_WAIT) > 0) {
                    errors.add(new FieldError("wait", "must be from 0s to 5m but was " + body.waitFor()));
                }
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("wait", e.getMessage()));
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.validation("invalid messaging request", errors);
        }
        String group = body.group() == null ? CONSUME_GROUP : body.group();
        Broker broker = broker(c);
        Taken taken = new Taken(count);
        Subscription sub;
        try {
            sub = broker.subscribe(body.topic(), group, taken::take,
                    SubscribeOptions.builder().concurrency(1).prefetch(1).build());
        } catch (IllegalArgumentException e) {
            throw invalid(fieldOf(e.getMessage(), "topic"), e.getMessage());
        } catch (MessagingException e) {
            throw ApiException.unavailable(e.getMessage());
        }
        try {
            taken.await(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            sub.stop(Duration.ZERO);
        }
        ObjectNode out = Json.mapper().createObjectNode();
        ArrayNode items = out.putArray("messages");
        taken.messages().forEach(d -> items.add(view(d).put("deliveries", d.deliveries())));
        ctx.json(out);
    }

    /**
     * What {@code consume} has taken: the first {@code count} deliveries return (are acknowledged);
     * one past them waits until the subscription stops, which gives it back unacknowledged.
     */
    private static final class Taken {
        private final int count;
        private final List<Delivery> messages = new ArrayList<>();
        private final java.util.concurrent.CountDownLatch full = new java.util.concurrent.CountDownLatch(1);

        Taken(int count) {
            this.count = count;
        }

        void take(Delivery d) throws InterruptedException {
            synchronized (this) {
                if (messages.size() < count) {
                    messages.add(d);
                    if (messages.size() == count) {
                        full.countDown();
                    }
                    return;
                }
            }
            new java.util.concurrent.CountDownLatch(1).await(); // until stop() interrupts: released, not acknowledged
        }

        void await(Duration wait) throws InterruptedException {
            full.await(wait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        }

        synchronized List<Delivery> messages() {
            return List.copyOf(messages);
        }
    }

    /**
     * The message a publish request (REST body or {@code builtin.publish} job) describes: a JSON
     * string is sent as its text, any other JSON as JSON.
     *
     * @throws IllegalArgumentException naming the field that is wrong
     */
    static Outgoing outgoing(JsonNode message, Map<String, String> headers, String key, String delay, Integer priority) {
        Outgoing.Builder b = message.isTextual() ? Outgoing.text(message.textValue()) : Outgoing.json(message);
        if (delay != null) {
            try {
                b.delay(Durations.parse(delay));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("delay: " + e.getMessage(), e);
            }
        }
        return b.key(key).headers(headers == null ? Map.of() : headers).priority(priority).build();
    }

    static ObjectNode view(Delivery d) {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("id", d.id());
        o.put("topic", d.topic());
        o.put("key", d.key());
        o.put("reason", d.headers().get(Broker.DEATH_HEADER));
        ObjectNode h = o.putObject("headers");
        new java.util.TreeMap<>(d.headers()).forEach((k, v) -> { // in name order, the same on every read
            if (!k.equals(Broker.DEATH_HEADER)) {
                h.put(k, v);
            }
        });
        String text = new String(d.body(), StandardCharsets.UTF_8);
        try {
            o.set("body", Json.mapper().readTree(text));
        } catch (Exception e) {
            o.put("body", text);
        }
        o.put("publishedAt", d.publishedAt().toString());
        return o;
    }

    /** The field a message of ours starts with ({@code "delay must be ..."} → delay), else {@code fallback}. */
    private static String fieldOf(String message, String fallback) {
        if (message == null) {
            return fallback;
        }
        int end = 0;
        while (end < message.length() && (Character.isLetterOrDigit(message.charAt(end)) || message.charAt(end) == '.')) {
            end++;
        }
        String word = message.substring(0, end);
        return List.of("topic", "group", "key", "headers", "delay", "priority", "body").contains(word.split("\\.")[0])
                ? (word.equals("body") ? "message" : word) : fallback;
    }

    private static ApiException invalid(String field, String message) {
        return ApiException.validation("invalid messaging request", List.of(new FieldError(field, message)));
    }
}
